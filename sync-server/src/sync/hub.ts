import {
  appendMessage,
  CLOSE_CODES,
  SYNC_LIMITS,
  checkAwarenessPayload,
  encodeServerFrame,
  segmentDocId,
  segmentOf,
  SYSTEM_AUTHOR,
  systemMessage,
  type MessageEntry,
  type SystemEntry,
  parseDocId,
  type CloseReason,
  type SubscribeItem,
  type UserEvent,
} from '@messenjo/shared';
import * as Y from 'yjs';
import type { MembershipStore } from '../conversations/membership-store.ts';
import type { Disposer, EventBus } from '../events/bus.ts';
import type { Logger } from '../logger.ts';
import type { ListColumns } from '../social/list-columns.ts';
import { CommitQueue } from './commit-queue.ts';
import { Connection } from './connection.ts';
import { DEFAULT_SOCKET_LIMITS, SocketRegistry, type SocketLimitOptions } from './socket-limits.ts';
import { TickFlusher } from './tick-flusher.ts';
import type { DocStore } from './doc-store.ts';
import { awarenessTopic, InProcessFanout, type Fanout } from './fanout.ts';
import { LiveDoc } from './live-doc.ts';
import { mergeInGroups } from './merge.ts';
import type { SocketAuth, SyncSocket } from './socket.ts';
import { segmentRefusal } from './segment-rule.ts';
import { validateUpdate } from './validate-update.ts';

export interface SyncHubOptions {
  store: DocStore;
  memberships: MembershipStore;
  bus: EventBus;
  logger: Logger;
  fanout?: Fanout<Connection>;
  /** A document nobody has open leaves memory after this long (compacted first). */
  idleUnloadMs?: number;
  /** A loaded document's log is compacted into its snapshot past this many entries. */
  compactAfterUpdates?: number;
  /** The social graph's answers the hub needs; absent in bare sync tests (every member may write). */
  conversations?: ConversationPolicy;
  /** LIM2 / LIM3 (defaults: SYNC_LIMITS); tests lower them. */
  socketLimits?: Partial<SocketLimitOptions>;
  /** LIM1 (default: SYNC_LIMITS.MAX_UNSENT_BYTES). */
  maxUnsentBytes?: number;
}

/**
 * What the sync engine asks of the social graph: who may write (a removed member, an ended
 * group or a direct conversation between people who are no longer friends is read-only), who
 * hears about a conversation's changes, and where committed messages are recorded for the list.
 */
export interface ConversationPolicy {
  canWrite(userId: string, conversationId: string): boolean;
  /** Users whose devices are told when the conversation's list data changes. */
  audience(conversationId: string): string[];
  /** The list's columns for messages about to commit, with the newest in display order (written by their commit). */
  listColumns(conversationId: string, newest: MessageEntry, count: number): ListColumns;
  /** Called once a commit wrote the conversation's list columns. */
  messagesCommitted(conversationId: string): void;
}

const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

/**
 * The sync engine: live documents, subscriptions, validation, group commit, relay, live
 * authorization. It talks to sockets through SyncSocket and to storage through DocStore.
 */
export class SyncHub {
  private readonly docs = new Map<string, LiveDoc>();
  private readonly connections: SocketRegistry<Connection>;
  private readonly flusher = new TickFlusher();
  private readonly maxUnsentBytes: number;
  private readonly latestSegment = new Map<string, number>();
  private readonly commits: CommitQueue;
  private readonly fanout: Fanout<Connection>;
  private readonly disposers: Disposer[] = [];
  private readonly idleUnloadMs: number;
  private readonly compactAfter: number;
  private readonly compacting = new Set<string>();
  private closing = false;

  constructor(private readonly options: SyncHubOptions) {
    this.commits = new CommitQueue(options.store, {
      afterFlush: () => this.flusher.flushSoon(),
      listCommitted: (conversationId) => options.conversations?.messagesCommitted(conversationId),
    });
    this.connections = new SocketRegistry({ ...DEFAULT_SOCKET_LIMITS, ...options.socketLimits });
    this.maxUnsentBytes = options.maxUnsentBytes ?? SYNC_LIMITS.MAX_UNSENT_BYTES;
    this.fanout = options.fanout ?? new InProcessFanout<Connection>();
    this.idleUnloadMs = options.idleUnloadMs ?? 30_000;
    this.compactAfter = options.compactAfterUpdates ?? 500;
    const { bus } = options;
    this.disposers.push(
      bus.subscribe('session.revoked', (e) =>
        this.forUser(e.userId, (c) => c.auth.sessionId === e.sessionId && c.close('session_revoked')),
      ),
      bus.subscribe('user.deleted', (e) => this.forUser(e.userId, (c) => c.close('user_deleted'))),
      bus.subscribe('membership.changed', (e) =>
        this.membershipChanged(e.conversationId, e.userId, e.change),
      ),
      bus.subscribe('user.changed', (e) =>
        this.forUser(e.userId, (c) =>
          c.send({ type: 'event', event: { type: 'user.changed', userId: e.userId } }),
        ),
      ),
      bus.subscribe('relationship.changed', (e) => {
        for (const userId of e.userIds) {
          this.forUser(userId, (c) => c.send({ type: 'event', event: { type: 'relationship.changed' } }));
        }
      }),
      bus.subscribe('conversation.changed', (e) => this.conversationChanged(e.conversationId, e.cause)),
      bus.subscribe('conversation.system', (e) => this.writeSystemEntry(e.conversationId, e.entry)),
    );
  }

  connect(socket: SyncSocket, auth: SocketAuth): Connection {
    const connection = new Connection(socket, auth, this, {
      takeFrame: () => this.connections.takeFrame(auth.userId),
      flusher: this.flusher,
      maxUnsentBytes: this.maxUnsentBytes,
    });
    if (this.closing) {
      connection.close('going_away');
      return connection;
    }
    const refused = this.connections.admit(connection);
    if (refused) connection.close(refused, 'too many sockets open; retry once one closed');
    return connection;
  }

  /** Called by a connection once it is closed. */
  disconnected(connection: Connection): void {
    this.connections.release(connection);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get loadedDocCount(): number {
    return this.docs.size;
  }

  private forUser(userId: string, run: (c: Connection) => unknown): void {
    for (const connection of this.connections.of(userId)) run(connection);
  }

  // ---- subscribe -------------------------------------------------------------------------

  subscribe(connection: Connection, items: SubscribeItem[]): void {
    const { userId } = connection.auth;
    const refs = items.map((item) => ({ item, ref: parseDocId(item.docId) }));
    const conversationIds = [
      ...new Set(refs.flatMap(({ ref }) => (ref?.kind === 'segment' ? [ref.conversationId] : []))),
    ];
    // SUB2: one membership query for the whole batch.
    const roles = this.options.memberships.activeRoles(userId, conversationIds);
    const allowed: { item: SubscribeItem; conversationId: string | null }[] = [];
    for (const { item, ref } of refs) {
      if (!ref) connection.send({ type: 'denied', docId: item.docId, reason: 'bad_doc_id' });
      else if (ref.kind === 'user' && ref.userId !== userId) {
        connection.send({ type: 'denied', docId: item.docId, reason: 'not_owner' });
      } else if (ref.kind === 'segment' && !roles.has(ref.conversationId)) {
        connection.send({ type: 'denied', docId: item.docId, reason: 'not_member' });
      } else allowed.push({ item, conversationId: ref.kind === 'segment' ? ref.conversationId : null });
    }
    if (allowed.length === 0) return;
    // SUB3: the committed heads; what is applied but still committing is served too (missingFor).
    const heads = this.options.store.heads(allowed.map((a) => a.item.docId));
    const latest = this.latestSegments(conversationIds);
    for (const { item, conversationId } of allowed) {
      const docId = item.docId;
      if (!connection.subscriptions.has(docId)) {
        const dispose = this.fanout.subscribe(docId, {
          origin: connection,
          deliver: (f) => connection.sendRaw(f),
        });
        connection.subscriptions.set(docId, {
          conversationId,
          role: conversationId === null ? null : (roles.get(conversationId) ?? null),
          declared: declaredState(item.stateVector),
          dispose,
        });
        if (conversationId !== null) {
          connection.joinAwareness(conversationId, () =>
            this.fanout.subscribe(awarenessTopic(conversationId), {
              origin: connection,
              deliver: (f) => connection.sendRaw(f),
            }),
          );
        }
        this.retain(docId);
      }
      const head = heads.get(docId) ?? 0;
      connection.sendAnswer({
        type: 'sync',
        docId,
        seq: head,
        update: this.missingFor(docId, item, head),
        latestSegment: conversationId === null ? -1 : (latest.get(conversationId) ?? -1),
      });
    }
  }

  /**
   * SUB3: just what the device lacks: the log after its sequence number, or a diff when compacted
   * away. `head` is the store's, read before the log: the log then reaches it, and the updates
   * after the log's end are still committing (relayed before this device subscribed): served
   * too, from memory, like a relay; the device moves past `head` only on their `head` frames (HD1).
   */
  private missingFor(docId: string, item: SubscribeItem, head: number): Uint8Array {
    const uncommitted = this.commits.uncommitted(docId);
    if (item.seq >= head && uncommitted.length === 0) return EMPTY_UPDATE;
    const live = this.docs.get(docId);
    const log =
      item.seq >= head ? [] : item.seq === 0 && live ? null : this.options.store.logAfter(docId, item.seq);
    if (log !== null) {
      const through = Math.max(item.seq, log.at(-1)?.seq ?? 0);
      const committing = uncommitted.filter((row) => row.seq > through).map((row) => row.data);
      return mergeInGroups([...log.map((entry) => entry.data), ...committing]);
    }
    const loaded = live ?? this.load(docId);
    if (isEmptyStateVector(item.stateVector)) return loaded.fullUpdate();
    const doc = loaded.doc;
    try {
      return Y.encodeStateAsUpdate(doc, item.stateVector);
    } catch {
      return Y.encodeStateAsUpdate(doc);
    }
  }

  private latestSegments(conversationIds: string[]): Map<string, number> {
    const missing = conversationIds.filter((id) => !this.latestSegment.has(id));
    if (missing.length > 0) {
      const stored = this.options.store.latestSegments(missing);
      for (const id of missing) this.latestSegment.set(id, stored.get(id) ?? -1);
    }
    return new Map(conversationIds.map((id) => [id, this.latestSegment.get(id) ?? -1]));
  }

  // ---- updates ---------------------------------------------------------------------------

  update(connection: Connection, docId: string, ref: number, update: Uint8Array, basis?: Uint8Array): void {
    const sub = connection.subscriptions.get(docId);
    if (!sub) return this.reject(connection, docId, ref, 'update_not_subscribed', 'subscribe first');
    const policy = this.options.conversations;
    if (
      sub.conversationId !== null &&
      policy &&
      !policy.canWrite(connection.auth.userId, sub.conversationId)
    ) {
      return this.reject(
        connection,
        docId,
        ref,
        'update_not_writable',
        'this conversation is read-only for you',
      );
    }
    const skipsAhead = this.segmentRefusal(docId);
    // SEG1: refused like a missing dependency: a device that filled the segment before offline may still be resending it.
    if (skipsAhead) return this.reject(connection, docId, ref, 'update_missing_dependency', skipsAhead);
    const live = this.docs.get(docId) ?? this.load(docId);
    const verdict = validateUpdate(live, update, connection.auth.userId, sub.role, {
      basis,
      declared: sub.declared,
    });
    if (!verdict.ok) return this.reject(connection, docId, ref, verdict.reason, verdict.problem);
    if (verdict.noop) {
      // Already in the document, maybe still in the queue: ack once the queue has committed (UP4).
      this.commits.enqueue({
        onCommitted: () => connection.send({ type: 'ack', docId, ref, seq: 0 }),
        onFailed: () => connection.close('server_error'),
      });
      return;
    }
    try {
      Y.applyUpdate(live.doc, update);
    } catch (err) {
      this.options.logger.warn('update failed to apply; document reloaded', { docId, err });
      this.evict(docId);
      return this.reject(connection, docId, ref, 'update_malformed', 'update could not be applied');
    }
    for (const client of verdict.newClients) live.clients.set(client, connection.auth.userId);
    for (const message of verdict.newMessages) live.messageAuthors.set(message.id, message.author);
    const seq = ++live.head;
    live.pending++;
    const segment = this.newSegment(live);
    // RL1: relay at once; Yjs updates are idempotent and the sender resends whatever is not acked.
    this.fanout.publish(docId, encodeServerFrame({ type: 'update', docId, seq: 0, update }), connection);
    this.commits.enqueue({
      row: {
        docId,
        seq,
        data: update,
        userId: connection.auth.userId,
        newClients: verdict.newClients,
        segment,
      },
      // The list's last message and count commit with the messages: no extra fsync per update.
      listColumns:
        verdict.newMessages.length > 0
          ? { count: verdict.newMessages.length, columns: (count) => this.listColumns(live, count) }
          : undefined,
      onCommitted: () => {
        live.pending--;
        live.committedHead = Math.max(live.committedHead, seq);
        // UP3: ack only now that it is committed; HD1: then tell every subscriber the durable head.
        connection.send({ type: 'ack', docId, ref, seq });
        this.announceHead(docId, seq);
        if (segment) this.announceSegment(segment);
        this.maybeCompact(live);
      },
      onFailed: (err) => {
        this.options.logger.error('commit failed; sockets of the document closed', { docId, err });
        this.evict(docId);
        for (const c of this.connections.all()) if (c.subscriptions.has(docId)) c.close('server_error');
      },
    });
  }

  private readonly heads = new Map<string, number>();

  /** One `head` frame per document per commit batch, after the batch's acks. */
  private announceHead(docId: string, seq: number): void {
    if (this.heads.size === 0) {
      queueMicrotask(() => {
        for (const [id, head] of this.heads)
          this.fanout.publish(id, encodeServerFrame({ type: 'head', docId: id, seq: head }), null);
        this.heads.clear();
      });
    }
    this.heads.set(docId, Math.max(seq, this.heads.get(docId) ?? 0));
  }

  /**
   * Tells every device in the conversation that a newer segment exists: the conversation's topic
   * reaches exactly the sockets subscribed to one of its segments, without walking every socket.
   */
  private announceSegment(segment: { conversationId: string; index: number }): void {
    const frame = encodeServerFrame({
      type: 'segment',
      conversationId: segment.conversationId,
      index: segment.index,
    });
    this.fanout.publish(awarenessTopic(segment.conversationId), frame, null);
  }

  private segmentRefusal(docId: string): string | null {
    const ref = parseDocId(docId);
    if (ref?.kind !== 'segment') return null;
    const newest = this.latestSegments([ref.conversationId]).get(ref.conversationId) ?? -1;
    return segmentRefusal(ref.index, newest, () => {
      const newestId = segmentDocId(ref.conversationId, newest);
      return (this.docs.get(newestId) ?? this.load(newestId)).messageCount();
    });
  }

  private newSegment(live: LiveDoc): { conversationId: string; index: number } | undefined {
    if (live.ref.kind !== 'segment') return undefined;
    const { conversationId, index } = live.ref;
    const latest = this.latestSegments([conversationId]).get(conversationId) ?? -1;
    if (index <= latest) return undefined;
    this.latestSegment.set(conversationId, index);
    return { conversationId, index };
  }

  private reject(
    connection: Connection,
    docId: string,
    ref: number,
    reason: CloseReason,
    problem: string,
  ): void {
    this.options.logger.warn('update refused', { docId, userId: connection.auth.userId, reason, problem });
    connection.send({ type: 'rejected', docId, ref, code: codeOf(reason) });
    // VAL6: a missing dependency may arrive later (resent after a crash): refuse, keep the socket.
    if (reason !== 'update_missing_dependency') connection.close(reason, problem);
  }

  relayAwareness(connection: Connection, conversationId: string, payload: Uint8Array): void {
    // AW2: only the schema's state; the sender is who the server stamps, never a field.
    const state = checkAwarenessPayload(payload);
    if (!state.ok) return connection.close('awareness_refused', state.problem);
    const frame = encodeServerFrame({
      type: 'awareness',
      conversationId,
      userId: connection.auth.userId,
      payload,
    });
    this.fanout.publish(awarenessTopic(conversationId), frame, connection);
  }

  // ---- the social graph ----------------------------------------------------------------------

  /** The conversation list's columns (last message, count) after these messages, for every member's list. */
  private listColumns(live: LiveDoc, count: number): ListColumns | undefined {
    if (live.ref.kind !== 'segment' || !this.options.conversations) return undefined;
    const { messages } = segmentOf(live.doc);
    const newest = messages.length > 0 ? messages.get(messages.length - 1) : undefined;
    if (!newest) return undefined;
    try {
      return this.options.conversations.listColumns(live.ref.conversationId, newest, count);
    } catch (err) {
      // The list's columns must never cost a message its durability.
      this.options.logger.error('conversation list not updated', {
        conversationId: live.ref.conversationId,
        err,
      });
      return undefined;
    }
  }

  private conversationChanged(conversationId: string, cause: 'messages' | undefined): void {
    const audience = this.options.conversations?.audience(conversationId) ?? [];
    const event: UserEvent =
      cause === undefined
        ? { type: 'conversation.changed', conversationId }
        : { type: 'conversation.changed', conversationId, cause };
    // The sockets open now: one that connects later already reads the change.
    const sockets = [...new Set(audience)].flatMap((userId) => [...this.connections.of(userId)]);
    // Events after commit: the system line a group change writes (conversation.system, published
    // right after this) commits first, so a device that refetches the list reads it.
    queueMicrotask(
      () => void this.commits.flushed().then(() => sockets.forEach((c) => c.send({ type: 'event', event }))),
    );
  }

  /**
   * Writes a server-authored line ("‹name› renamed the group") into the conversation's newest
   * segment, committed and relayed like any update. It is written by a Yjs client id of its own,
   * bound to the author "system", which no device can use.
   */
  private writeSystemEntry(conversationId: string, entry: SystemEntry): void {
    const latest = this.latestSegments([conversationId]).get(conversationId) ?? -1;
    const docId = segmentDocId(conversationId, Math.max(0, latest));
    const live = this.docs.get(docId) ?? this.load(docId);
    const scratch = new Y.Doc();
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(live.doc));
    let update: Uint8Array | null = null;
    scratch.on('update', (u: Uint8Array) => (update = u));
    const message = systemMessage(entry, Date.now());
    appendMessage(scratch, message);
    const clientId = scratch.clientID;
    scratch.destroy();
    if (!update) return;
    Y.applyUpdate(live.doc, update);
    live.clients.set(clientId, SYSTEM_AUTHOR);
    // Receipts and reactions may name it at once, like any message of the segment.
    live.messageAuthors.set(message.id, SYSTEM_AUTHOR);
    const seq = ++live.head;
    live.pending++;
    const data: Uint8Array = update;
    const segment = this.newSegment(live);
    // RL1 as for any update: relay at once, announce the durable head after the commit.
    this.fanout.publish(docId, encodeServerFrame({ type: 'update', docId, seq: 0, update: data }), null);
    this.commits.enqueue({
      row: { docId, seq, data, userId: SYSTEM_AUTHOR, newClients: [clientId], segment },
      listColumns: { count: 1, columns: (count) => this.listColumns(live, count) },
      onCommitted: () => {
        live.pending--;
        live.committedHead = Math.max(live.committedHead, seq);
        this.announceHead(docId, seq);
        if (segment) this.announceSegment(segment);
        this.released(docId);
      },
      onFailed: (err) => {
        this.options.logger.error('system entry not stored', { docId, err });
        this.evict(docId);
      },
    });
  }

  // ---- live authorization ------------------------------------------------------------------

  private membershipChanged(
    conversationId: string,
    userId: string,
    change: 'added' | 'removed' | 'left' | 'role',
  ): void {
    const event: UserEvent = { type: 'membership.changed', conversationId, change };
    if (change === 'removed' || change === 'left') {
      // LA1: every socket of the user stops receiving the conversation before this returns.
      this.forUser(userId, (c) => {
        for (const [docId, sub] of [...c.subscriptions]) {
          if (sub.conversationId !== conversationId) continue;
          c.unsubscribe(docId);
          c.send({ type: 'denied', docId, reason: 'membership_ended' });
        }
      });
    } else if (change === 'role') {
      const role = this.options.memberships.activeRoles(userId, [conversationId]).get(conversationId) ?? null;
      this.forUser(userId, (c) => {
        for (const sub of c.subscriptions.values())
          if (sub.conversationId === conversationId) sub.role = role;
      });
    }
    this.forUser(userId, (c) => c.send({ type: 'event', event }));
  }

  // ---- memory and compaction ---------------------------------------------------------------

  private load(docId: string): LiveDoc {
    const live = LiveDoc.load(docId, this.options.store);
    this.docs.set(docId, live);
    this.scheduleIdleCheck(live);
    return live;
  }

  private evict(docId: string): void {
    const live = this.docs.get(docId);
    if (!live) return;
    clearTimeout(live.idleTimer);
    live.doc.destroy();
    this.docs.delete(docId);
  }

  private retain(docId: string): void {
    const live = this.docs.get(docId);
    if (live) clearTimeout(live.idleTimer);
  }

  /** A subscription ended: unload the document once nobody has had it open for a while. */
  released(docId: string): void {
    const live = this.docs.get(docId);
    if (live && this.fanout.subscriberCount(docId) === 0) this.scheduleIdleCheck(live);
  }

  private scheduleIdleCheck(live: LiveDoc): void {
    clearTimeout(live.idleTimer);
    live.idleTimer = setTimeout(() => {
      if (this.fanout.subscriberCount(live.docId) > 0 || this.docs.get(live.docId) !== live) return;
      if (live.pending > 0) return this.scheduleIdleCheck(live);
      this.compact(live);
      this.evict(live.docId);
    }, this.idleUnloadMs);
    live.idleTimer.unref();
  }

  private maybeCompact(live: LiveDoc): void {
    if (live.committedHead - live.snapshotSeq < this.compactAfter || this.compacting.has(live.docId)) return;
    this.compacting.add(live.docId);
    // Off the hot path: after the acks of this commit have gone out.
    setTimeout(() => {
      this.compacting.delete(live.docId);
      if (this.docs.get(live.docId) === live) this.compact(live);
    }, 0).unref();
  }

  /**
   * CP1: a snapshot of the loaded document (fast to load, BENCH.md) replaces the log it covers,
   * written by the next group commit. With nothing pending the document is what the store holds
   * and is encoded now (it may leave memory next); otherwise it is encoded when the batch is cut,
   * if that batch stores all its pending updates (the snapshot then covers exactly what commits
   * with it; a failed batch evicts the document and takes no snapshot).
   */
  private compact(live: LiveDoc): void {
    const { docId } = live;
    if (live.head <= live.snapshotSeq || this.compacting.has(docId)) return;
    this.compacting.add(docId);
    const encode = () => ({ docId, throughSeq: live.head, state: Y.encodeStateAsUpdate(live.doc) });
    const now = live.pending === 0 ? encode() : undefined;
    let taken: number | undefined;
    this.commits.enqueue({
      snapshot: {
        docId,
        take: () => {
          const snapshot = now ?? (this.docs.get(docId) === live ? encode() : undefined);
          taken = snapshot?.throughSeq;
          return snapshot;
        },
      },
      onCommitted: () => {
        this.compacting.delete(docId);
        if (taken !== undefined) live.snapshotSeq = Math.max(live.snapshotSeq, taken);
      },
      onFailed: (err) => {
        this.compacting.delete(docId);
        this.options.logger.error('compaction failed; the log stays', { docId, err });
      },
    });
  }

  /**
   * Shutdown: commit what is pending (and ack it), close every socket with 1001, then compact
   * the loaded documents with the last commit. Resolves once that is durable.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.commits.flushed();
    for (const connection of this.connections.all()) connection.close('going_away', 'server shutting down');
    for (const dispose of this.disposers) dispose();
    for (const live of this.docs.values()) this.compact(live);
    await this.commits.flushed();
    for (const live of [...this.docs.values()]) this.evict(live.docId);
  }
}

/** A subscribe's state vector; one that does not decode declares nothing (the device gets everything). */
function declaredState(stateVector: Uint8Array): Map<number, number> {
  try {
    return Y.decodeStateVector(stateVector);
  } catch {
    return new Map();
  }
}

/** A device that holds nothing of the document (Yjs encodes an empty state vector as one 0 byte). */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 0 || (stateVector.byteLength === 1 && stateVector[0] === 0);
}

function codeOf(reason: CloseReason): number {
  return CLOSE_CODES[reason].code;
}
