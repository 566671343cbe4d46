import {
  encodeServerFrame,
  segmentOf,
  SYSTEM_AUTHOR,
  type CloseReason,
  type DocRef,
  type SubscribeItem,
  type SystemEntry,
} from '@messenjo/shared';
import * as Y from 'yjs';
import type { Logger } from '../../logger.ts';
import type { AttachmentGate, BlobClaim, MessageBlobs } from './attachment-gate.ts';
import type { ListColumns } from '../store/list-columns.ts';
import type { CommitQueue } from './commit-queue.ts';
import type { Compaction } from './compaction.ts';
import type { Peer, RoomHandle, Subscription } from './connection-host.ts';
import type { ConversationPolicy } from './conversation-policy.ts';
import {
  UPDATE_ID_REUSED,
  type DocStore,
  fullPage,
  LOG_PAGE,
  type StoredDoc,
  type StoredUpdate,
} from '../store/doc-store.ts';
import type { Fanout } from './fanout.ts';
import type { HeadAnnouncer } from './head-announcer.ts';
import { LiveDoc } from './live-doc.ts';
import { mergeInGroups } from '../store/merge.ts';
import type { OpenedSegment, SegmentDirectory } from './segments.ts';
import { systemEntryUpdate } from './system-entry.ts';
import { validateUpdate, type NewMessage } from './validate-update.ts';

/** What every room shares, built once by the hub. */
export interface RoomContext {
  store: DocStore;
  commits: CommitQueue;
  fanout: Fanout<Peer>;
  heads: HeadAnnouncer;
  segments: SegmentDirectory;
  compaction: Compaction;
  logger: Logger;
  /** The social graph's answers; absent in bare sync tests (every member may write). */
  conversations?: ConversationPolicy;
  /** The blob store's answers about attachments (VAL7, VAL8); absent in bare sync tests. */
  attachments?: AttachmentGate;
  /** A document nobody has open leaves memory after this long (compacted first). */
  idleUnloadMs: number;
  /** A write to this room opened a new segment of its conversation (relayed already, not yet committed). */
  segmentOpened(room: Room, segment: OpenedSegment, update: Uint8Array): void;
  /** The room holds no document and no socket any more: the registry may forget it. */
  vacated(room: Room): void;
  refuseUpdate(peer: Peer, docId: string, ref: number, reason: CloseReason, problem: string): void;
  /** The other server processes (REDIS_URL): told of every update this process commits; absent on one process. */
  otherProcesses?: OtherProcesses;
}

/**
 * What the engine tells the other server processes (`cluster/doc-relay.ts` carries it over
 * Redis): at most once, a hint only — they read whatever they miss from the store.
 */
export interface OtherProcesses {
  /** An update this process committed as `update.seq`. */
  committed(docId: string, update: CommittedUpdate): void;
  /** A device's awareness state (typing), relayed here already (AW1, AW2 checked). */
  awareness(conversationId: string, userId: string, payload: Uint8Array): void;
}

/** One change on its way into the document: a device's validated update or a system entry. */
interface Write {
  update: Uint8Array;
  /** The user id the update's rows and new client ids are bound to (`system` for system entries). */
  author: string;
  /** The socket that sent it (never relayed back to it); null for the server's own entries. */
  origin: Peer | null;
  newClients: number[];
  newMessages: NewMessage[];
  /** REF2: messages the update marks deleted. */
  deletedMessages?: string[];
  /** SEQ3: the device's id of the update (a retry of a stored one gets its first number). */
  updateId?: Uint8Array;
  /** SEQ3: the store refused the update: its id is stored with other bytes. */
  onReused?: () => void;
  /** UP3: the update is committed as `seq` and every update before it is in (a device's ack goes out here). */
  onCommitted?: (seq: number) => void;
  /** The live document could not take the update (it was reloaded). */
  onUnapplied?: () => void;
}

/** An update committed by another process, as the bus or the store hands it over. */
export interface CommittedUpdate {
  seq: number;
  data: Uint8Array;
  /** Its author: the owner of Yjs client ids it uses first. */
  userId: string;
}

/** What a device sent in one `update` frame, and what the room read about it. */
interface Sent {
  ref: number;
  update: Uint8Array;
  basis?: Uint8Array;
  /** SEQ3: the device's id of the update. */
  updateId?: Uint8Array;
  /** SEQ4: the store's answer about the id (`DocStore.updateSeq`), once read. */
  storedAs?: number;
}

const ID_REUSED = 'this update id names another update';

/** After a failed read of a gap in the log, how long until the room reads it again. */
export const GAP_RETRY_MS = 1000;

/** What a subscribe read of the log gave: the entries after the device's seq, through `through`. */
export interface LogRead {
  log: StoredUpdate[];
  /** The last sequence number the device holds with `log` (its own when the log is empty). */
  through: number;
}

/**
 * One live document (a conversation segment or a user's private document) and the sockets in
 * it. It loads its `LiveDoc` when first needed and unloads it when idle, and runs the one
 * commit pipeline both devices' updates and the server's system entries go through:
 * validate → apply → relay → enqueue the commit → ack and head once committed.
 */
export class Room implements RoomHandle {
  private live: LiveDoc | undefined;
  /** The store read that will bring the document into memory, while it runs. */
  private loading: Promise<LiveDoc> | undefined;
  /** Sockets in the room; each is its own fanout listener on the document's topic (W7: no listener object per socket). */
  private readonly members = new Set<Peer>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * While the document is not in memory: the committed number through which the room's sockets
   * were served (the lowest head a subscribe answered with, moved on by contiguous relays).
   * Loading the document relays what lies between it and the loaded head (a lost relay).
   */
  private servedHead: number | undefined;

  constructor(
    readonly docId: string,
    readonly ref: DocRef,
    private readonly context: RoomContext,
  ) {}

  /** The document when it is in memory. */
  get liveDoc(): LiveDoc | undefined {
    return this.live;
  }

  get inUse(): boolean {
    return this.live !== undefined || this.loading !== undefined || this.members.size > 0;
  }

  /** The sockets in the room (a copy: callers may close them). */
  peers(): Peer[] {
    return [...this.members];
  }

  /**
   * The document in memory, read from the store when it is not (once, however many ask). A
   * document evicted while it was being read is dropped: callers look at `liveDoc` again.
   * It is read only once none of its rows is still committing (evicted after a failed commit
   * or an update that would not apply): the head it takes from the store is then the last
   * stored sequence number, so the ones it hands out never collide with a row in flight.
   */
  load(): Promise<LiveDoc> {
    if (this.live) return Promise.resolve(this.live);
    if (!this.loading) {
      const { commits, store } = this.context;
      const read = commits.settled(this.docId).then(() => LiveDoc.load(this.docId, store));
      const loading: Promise<LiveDoc> = read.then(
        (live) => {
          if (this.loading === loading) {
            this.loading = undefined;
            this.live = live;
            this.scheduleIdleCheck();
            this.relayMissed(live);
          }
          return live;
        },
        (error: unknown) => {
          if (this.loading === loading) this.loading = undefined;
          if (!this.inUse) this.context.vacated(this);
          throw error;
        },
      );
      this.loading = loading;
    }
    return this.loading;
  }

  /** A subscribe answered one of the room's sockets through committed number `head` (document not in memory). */
  served(head: number): void {
    if (this.live) return;
    this.servedHead = this.servedHead === undefined ? head : Math.min(this.servedHead, head);
  }

  /**
   * The backstop (`SyncHub.catchUp`): the store's head of this document is `stored`. A room
   * behind it reads what it missed (a relay lost between processes) and relays it; one whose
   * sockets were served from the store loads the document, which relays the difference. A
   * document with own updates committing waits for the next round: their numbers may be in
   * the store already, and its next commit finds any gap by itself. True when it reads.
   */
  catchUpTo(stored: number): boolean {
    const live = this.live;
    if (live) {
      if (stored <= live.head || live.pending > 0) return false;
      this.fillGap(live);
      return true;
    }
    if (this.members.size === 0 || stored <= (this.servedHead ?? stored)) return false;
    this.load().catch(() => {}); // a failed read: the next round tries again
    return true;
  }

  /**
   * The document just loaded holds updates past what the room's sockets were served: those
   * are read from the log and relayed once (Yjs updates are idempotent: a device that has
   * some of them already loses nothing), or the whole document when compaction removed them or
   * they are more than a page (SUB4).
   */
  private relayMissed(live: LiveDoc): void {
    const from = this.servedHead;
    this.servedHead = undefined;
    if (from === undefined || this.members.size === 0 || live.head <= from) return;
    const { store, logger, fanout, heads } = this.context;
    store
      .logAfter(this.docId, from, LOG_PAGE)
      .then((log) => {
        if (this.live !== live) return;
        // SUB4: more than a page missed is sent as the whole document, like a compacted log.
        const missed =
          log === null || fullPage(log, LOG_PAGE) ? live.fullUpdate() : mergeInGroups(log.map((e) => e.data));
        fanout.publish(this.docId, this.relayFrame(missed), null);
        heads.announce(this.docId, live.head);
      })
      .catch((err: unknown) => logger.warn('missed updates not relayed', { docId: this.docId, err }));
  }

  join(peer: Peer): void {
    if (this.members.has(peer)) return;
    this.members.add(peer);
    this.context.fanout.subscribe(this.docId, peer);
    clearTimeout(this.idleTimer);
  }

  leave(peer: Peer): void {
    if (!this.members.delete(peer)) return;
    this.context.fanout.unsubscribe(this.docId, peer);
    if (this.members.size > 0) return;
    // Nobody has it open: unload the document once nobody has had it open for a while.
    if (this.live) this.scheduleIdleCheck();
    else this.context.vacated(this);
  }

  /**
   * SUB3, read from the store: the log after the device's sequence number (none past the
   * committed `head`), or null when the answer must come from the document in memory (compacted
   * away, or the device has nothing and the document is loaded: its full encoding is shared by
   * every reader).
   */
  async readCatchUp(item: SubscribeItem, head: number): Promise<LogRead | null> {
    if (item.seq >= head) return { log: [], through: item.seq };
    if (item.seq === 0 && this.live) return null;
    // SUB4: one page at most; a device further behind is answered from the document in memory
    // (its state, which compaction bounds), never from the whole log it missed.
    const log = await this.context.store.logAfter(this.docId, item.seq, LOG_PAGE);
    if (log === null) return null;
    const through = Math.max(item.seq, log.at(-1)?.seq ?? 0);
    return through < head ? null : { log, through };
  }

  /**
   * SUB3, answered in the turn the socket enters: the log read, then the updates that are
   * applied but still committing (relayed before this socket entered), served from the commit
   * queue like a relay (one the read holds already is merged twice, harmlessly: updates are
   * idempotent); the device moves past the committed head only on their `head` frames (HD1).
   * Null when the read does not reach the document in memory (an update committed while the
   * store answered, or committed numbers waiting for a gap): the document in memory answers then.
   */
  catchUpFromRead(read: LogRead): Uint8Array | null {
    const live = this.live;
    if (live && (read.through < live.head || live.order.gap)) return null;
    const committing = this.context.commits.uncommitted(this.docId).map((row) => row.data);
    return mergeInGroups([...read.log.map((entry) => entry.data), ...committing]);
  }

  /** SUB3 from memory: a diff against the device's state vector (the whole document when it has nothing). */
  catchUpFromMemory(live: LiveDoc, item: SubscribeItem): Uint8Array {
    if (isEmptyStateVector(item.stateVector)) return live.fullUpdate();
    try {
      return Y.encodeStateAsUpdate(live.doc, item.stateVector);
    } catch {
      return Y.encodeStateAsUpdate(live.doc);
    }
  }

  // ---- the commit pipeline -----------------------------------------------------------------

  /**
   * A device's update: authorized (LA3), placed (SEG1), validated (VAL*, POS*), then committed.
   * What the decision needs from the store is read first; the decision and the write then
   * happen in one turn, against what is true in that turn (a membership may have ended
   * meanwhile: the update of a socket no longer subscribed is dropped). `claim`: VAL8's answer
   * about the blobs the update's attachments name, once read (its references undone if refused).
   */
  receive(
    peer: Peer,
    subscription: Subscription,
    ref: number,
    update: Uint8Array,
    basis?: Uint8Array,
    updateId?: Uint8Array,
  ): void | Promise<void> {
    return this.take(peer, subscription, { ref, update, basis, updateId });
  }

  /**
   * `receive`, with what was read for it so far (the blob claim, the stored update id); each
   * read re-enters here, and the decision is taken in the turn the last one answered.
   */
  private take(peer: Peer, subscription: Subscription, sent: Sent, claim?: BlobClaim): void | Promise<void> {
    const { segments, store } = this.context;
    if (!this.live || !segments.ready(this.ref)) {
      return segments
        .prepare(this.ref)
        .then(() => this.load())
        .then(() => this.take(peer, subscription, sent, claim));
    }
    if (peer.subscriptions.get(this.docId) !== subscription) return this.unclaim(claim);
    const { conversations } = this.context;
    const { conversationId } = subscription;
    const writable =
      conversationId === null || !conversations
        ? true
        : conversations.canWrite(peer.auth.userId, conversationId);
    // LA3: a permission not in memory yet is read first; then everything is decided again, in one turn.
    if (writable !== true && writable !== false)
      return writable.then(() => this.take(peer, subscription, sent, claim));
    // SEQ4: whether the id is stored with other bytes is read before the update may touch the
    // document (SQLite answers from the main thread's connection, at once).
    if (writable && sent.updateId && sent.storedAs === undefined) {
      const { updateId, update } = sent;
      if (store.updateSeqNow) sent.storedAs = store.updateSeqNow(this.docId, updateId, update);
      else
        return store
          .updateSeq(this.docId, updateId, update)
          .then((storedAs) => this.take(peer, subscription, { ...sent, storedAs }, claim));
    }
    return this.decide(this.live, peer, subscription, sent, writable, claim);
  }

  private decide(
    live: LiveDoc,
    peer: Peer,
    subscription: Subscription,
    sent: Sent,
    writable: boolean,
    claim: BlobClaim | undefined,
  ): void | Promise<void> {
    const { ref, update, basis, updateId } = sent;
    const { userId } = peer.auth;
    const refuse = (reason: CloseReason, problem: string): void => {
      this.unclaim(claim);
      this.context.refuseUpdate(peer, this.docId, ref, reason, problem);
    };
    const { segments, commits } = this.context;
    if (!writable) return refuse('update_not_writable', 'this conversation is read-only for you');
    // SEQ4: never applied, so never relayed nor served.
    if (sent.storedAs === UPDATE_ID_REUSED) return refuse('update_id_reused', ID_REUSED);
    const skipsAhead = segments.refusal(this.ref);
    // SEG1: refused like a missing dependency: a device that filled the segment before offline may still be resending it.
    if (skipsAhead) return refuse('update_missing_dependency', skipsAhead);
    const { attachments } = this.context;
    const verdict = validateUpdate(
      live,
      update,
      userId,
      subscription.role,
      { basis, declared: subscription.declared },
      attachments && { maxFileBytes: attachments.maxFileBytes, usable: claim?.usable },
    );
    if (!verdict.ok) return refuse(verdict.reason, verdict.problem);
    // VAL8: the blobs are read from the store first; then everything is decided again, in one turn.
    if (verdict.blobs.length > 0 && !claim) {
      const { conversationId } = subscription;
      if (!attachments || conversationId === null)
        return refuse('update_attachment_refused', 'this document takes no attachments');
      return attachments
        .claim(userId, conversationId, this.blobsOf(verdict.newMessages))
        .then((answer) => this.take(peer, subscription, sent, answer));
    }
    if (verdict.noop) {
      // Already in the document, maybe still in the queue: ack once the queue has committed (UP4),
      // with the number it was stored as when the device named it (SEQ3).
      commits.enqueue({
        docId: this.docId,
        onCommitted: () => {
          if (!updateId) return peer.send({ type: 'ack', docId: this.docId, ref, seq: 0 });
          this.ackRetry(live, peer, ref, update, updateId, refuse);
        },
        onFailed: () => peer.close('server_error'),
      });
      return;
    }
    // SEQ4: an id this document took lately (maybe still committing, so not in the store's
    // answer) with changes it does not hold yet: other bytes than the first time.
    if (updateId && live.recentUpdateIds.has(updateId)) return refuse('update_id_reused', ID_REUSED);
    this.commit(live, {
      update,
      author: userId,
      origin: peer,
      newClients: verdict.newClients,
      newMessages: verdict.newMessages,
      deletedMessages: verdict.deletedMessages,
      updateId,
      onCommitted: (seq) => peer.send({ type: 'ack', docId: this.docId, ref, seq }),
      onUnapplied: () => refuse('update_malformed', 'update could not be applied'),
      onReused: () => refuse('update_id_reused', ID_REUSED),
    });
  }

  /**
   * SEQ3: a retry the document in memory holds already (stored by this process before a crash,
   * or by another): acked with the number it was stored as, once every number before it is in
   * (SEQ2); 0 when no update with its id is stored (its changes came another way, UP4).
   */
  private ackRetry(
    live: LiveDoc,
    peer: Peer,
    ref: number,
    update: Uint8Array,
    updateId: Uint8Array,
    refuse: (reason: CloseReason, problem: string) => void,
  ): void {
    const { docId } = this;
    const ack = (seq: number) => peer.send({ type: 'ack', docId, ref, seq });
    this.context.store.updateSeq(docId, updateId, update).then(
      (seq) => {
        if (seq === UPDATE_ID_REUSED) return refuse('update_id_reused', ID_REUSED);
        if (seq === 0 || this.live !== live) return ack(0);
        this.inOrder(live, seq, true, () => ack(seq));
      },
      (err: unknown) => {
        this.context.logger.error('a retried update could not be looked up', { docId, err });
        peer.close('server_error');
      },
    );
  }

  /**
   * SYS1: a server-authored line ("‹name› renamed the group") appended to this segment,
   * committed and relayed like any update.
   */
  writeSystemEntry(live: LiveDoc, entry: SystemEntry): void {
    const made = systemEntryUpdate(live, entry, Date.now());
    if (!made) return;
    this.commit(live, {
      update: made.update,
      author: SYSTEM_AUTHOR,
      origin: null,
      newClients: [made.clientId],
      // Receipts and reactions may name it at once, like any message of the segment.
      newMessages: [{ id: made.message.id, author: SYSTEM_AUTHOR }],
    });
  }

  /** The one commit pipeline (the document in memory, the conversation's newest segment known). */
  private commit(live: LiveDoc, write: Write): void {
    const { docId } = this;
    const { logger, fanout, segments, commits, heads, compaction } = this.context;
    try {
      Y.applyUpdate(live.doc, write.update);
    } catch (err) {
      logger.warn('update failed to apply; document reloaded', { docId, err });
      this.evict();
      return write.onUnapplied?.();
    }
    for (const client of write.newClients) live.clients.set(client, write.author);
    for (const message of write.newMessages) live.messageAuthors.set(message.id, message.author);
    if (write.updateId) live.recentUpdateIds.add(write.updateId);
    live.changes++;
    live.pending++;
    const segment = segments.opened(this.ref);
    // RL1: relay at once; Yjs updates are idempotent and the sender resends whatever is not acked.
    // HD1: a head due past its interval leaves in the same write.
    heads.ride(docId, write.origin);
    fanout.publish(
      docId,
      encodeServerFrame({ type: 'update', docId, seq: 0, update: write.update }),
      write.origin,
    );
    if (segment) this.context.segmentOpened(this, segment, write.update);
    commits.enqueue({
      row: {
        docId,
        data: write.update,
        userId: write.author,
        newClients: write.newClients,
        segment,
        ...(write.updateId ? { updateId: write.updateId } : {}),
      },
      // The list's last message and count commit with the messages: no extra fsync per update.
      listColumns:
        write.newMessages.length > 0
          ? { count: write.newMessages.length, columns: (count) => this.listColumns(live, count) }
          : undefined,
      onCommitted: (seq) => {
        live.pending--;
        if (seq === UPDATE_ID_REUSED) {
          // Applied and relayed, but not stored (SEQ4's one gap: the same id sent with other bytes
          // to another process at the same time): the document in memory is read again from the
          // store. The devices it was relayed to keep it (as after a crash, RL1); its own is refused.
          this.evict();
          return write.onReused?.();
        }
        // A retry stored before (SEQ3) is published with its first number: a process past it ignores it.
        this.context.otherProcesses?.committed(docId, { seq, data: write.update, userId: write.author });
        this.referencesAfterCommit(write);
        // UP3: ack only now that it is committed, as the number the store gave it, and once every
        // update before it is in (HD1: the head announced as it moves).
        this.inOrder(live, seq, true, () => {
          write.onCommitted?.(seq);
          if (segment) segments.announce(segment);
        });
        compaction.afterCommit(live, () => this.live === live);
        if (this.members.size === 0 && this.live === live) this.scheduleIdleCheck();
      },
      onFailed: (err) => {
        logger.error('commit failed; sockets of the document closed', { docId, err });
        this.evict();
        for (const peer of this.peers()) peer.close('server_error');
      },
    });
  }

  // ---- committed order (several processes) ------------------------------------------------

  /**
   * An update another process committed as `seq` (the bus hands it over): taken in sequence
   * order with this process's own commits, applied, relayed to the room's sockets (RL1) and the
   * head announced as it moves (HD1); a number past head + 1 makes the room read the numbers
   * before it from the store (`logAfter`). Without the document in memory it is relayed only,
   * and the document loaded (from the store, which holds it) for the updates that follow.
   */
  applyCommitted(update: CommittedUpdate): void {
    const live = this.live;
    if (!live) {
      if (this.members.size === 0) return;
      if (this.servedHead !== undefined && update.seq === this.servedHead + 1) this.servedHead++;
      this.context.fanout.publish(this.docId, this.relayFrame(update.data), null);
      this.load().catch(() => {}); // a failed read is the next subscribe's to report
      return;
    }
    this.inOrder(live, update.seq, false, () => this.applyOthers(live, update));
  }

  /** Takes committed `seq` in order; announces the head when it moved; reads a gap from the store. */
  private inOrder(live: LiveDoc, seq: number, own: boolean, take: () => void): void {
    const before = live.head;
    live.order.arrive(seq, own, take);
    if (this.live !== live) return; // evicted: its sockets were closed, nothing to announce
    if (live.head > before) this.context.heads.announce(this.docId, live.head);
    if (live.order.gap) this.fillGap(live);
  }

  private fillGap(live: LiveDoc): void {
    if (live.fillingGap) return;
    live.fillingGap = true;
    void this.readGap(live).then((read) => {
      live.fillingGap = false;
      if (this.live !== live || !live.order.gap) return;
      if (read) return this.fillGap(live);
      setTimeout(() => {
        if (this.live === live && live.order.gap) this.fillGap(live);
      }, GAP_RETRY_MS).unref();
    });
  }

  /** The committed updates after the head, from the store (the document's, when compaction removed them); false if the read failed. */
  private async readGap(live: LiveDoc): Promise<boolean> {
    const { store, logger } = this.context;
    try {
      // SUB4: a page at a time, each applied before the next is read.
      for (let more = true; more;) {
        const log = await store.logAfter(this.docId, live.head, LOG_PAGE);
        if (this.live !== live) return true;
        if (log === null) {
          const stored = await store.load(this.docId, LOG_PAGE);
          this.takeStored(live, stored);
          more = fullPage(stored.log, LOG_PAGE);
        } else {
          for (const entry of log) this.inOrder(live, entry.seq, false, () => this.applyOthers(live, entry));
          more = fullPage(log, LOG_PAGE);
        }
        if (this.live !== live) return true;
      }
      return true;
    } catch (err) {
      logger.warn('a gap in the committed updates could not be read; trying again', {
        docId: this.docId,
        err,
      });
      return false;
    }
  }

  /** The stored document, past a compaction: applied whole, then its log in order. */
  private takeStored(live: LiveDoc, stored: StoredDoc): void {
    if (this.live !== live) return;
    const before = live.head;
    if (stored.snapshot && stored.snapshot.seq > live.head) {
      this.applyOthers(live, { seq: stored.snapshot.seq, data: stored.snapshot.data });
      live.order.jumpTo(stored.snapshot.seq);
      if (this.live === live && live.head > before) this.context.heads.announce(this.docId, live.head);
    }
    for (const entry of stored.log) this.inOrder(live, entry.seq, false, () => this.applyOthers(live, entry));
  }

  /** Another process's committed update into the document, its new client ids bound to its author, relayed. */
  private applyOthers(live: LiveDoc, update: StoredUpdate): void {
    if (this.live !== live) return;
    try {
      Y.applyUpdate(live.doc, update.data);
    } catch (err) {
      this.context.logger.warn('a committed update failed to apply; document reloaded', {
        docId: this.docId,
        err,
      });
      this.evict();
      return;
    }
    live.changes++;
    if (update.userId !== undefined) {
      for (const client of Y.parseUpdateMeta(update.data).from.keys())
        if (!live.clients.has(client)) live.clients.set(client, update.userId);
    }
    live.learnMessageAuthors();
    this.context.fanout.publish(this.docId, this.relayFrame(update.data), null);
  }

  private relayFrame(update: Uint8Array): Uint8Array {
    return encodeServerFrame({ type: 'update', docId: this.docId, seq: 0, update });
  }

  /** The blob store's keys of these messages' blobs (`<segment>:<id>`: ids are unique per segment only). */
  private blobsOf(messages: readonly NewMessage[]): MessageBlobs[] {
    const segment = this.ref.kind === 'segment' ? this.ref.index : 0;
    return messages.flatMap((m) => (m.blobs ? [{ key: `${segment}:${m.id}`, blobs: m.blobs }] : []));
  }

  /** A refused update's claim: the references it added go again. */
  private unclaim(claim: BlobClaim | undefined): void {
    const { attachments, logger } = this.context;
    if (!claim || claim.claimed.length === 0 || !attachments || this.ref.kind !== 'segment') return;
    attachments
      .unclaim(this.ref.conversationId, claim.claimed)
      .catch((err: unknown) => logger.error('attachment references not undone', { docId: this.docId, err }));
  }

  /**
   * REF1, REF2: once committed, the messages' references are written again (idempotent: a
   * claim undone by a refused copy of the same update meanwhile is repaired) and deleted
   * messages' references go.
   */
  private referencesAfterCommit(write: Write): void {
    const { attachments, logger } = this.context;
    if (!attachments || this.ref.kind !== 'segment') return;
    const { conversationId, index } = this.ref;
    const messages = this.blobsOf(write.newMessages);
    const deleted = (write.deletedMessages ?? []).map((id) => `${index}:${id}`);
    if (messages.length === 0 && deleted.length === 0) return;
    const done = async (): Promise<void> => {
      if (messages.length > 0) await attachments.referenced(conversationId, messages);
      if (deleted.length > 0) await attachments.deleted(conversationId, deleted);
    };
    done().catch((err: unknown) =>
      logger.error('attachment references not updated', { docId: this.docId, err }),
    );
  }

  /** The conversation list's columns (last message, count) after these messages, for every member's list. */
  private listColumns(live: LiveDoc, count: number): ListColumns | undefined {
    const { conversations, logger } = this.context;
    if (live.ref.kind !== 'segment' || !conversations) return undefined;
    const { messages } = segmentOf(live.doc);
    const newest = messages.length > 0 ? messages.get(messages.length - 1) : undefined;
    if (!newest) return undefined;
    try {
      return conversations.listColumns(live.ref.conversationId, newest, count);
    } catch (err) {
      // The list's columns must never cost a message its durability.
      logger.error('conversation list not updated', { conversationId: live.ref.conversationId, err });
      return undefined;
    }
  }

  // ---- memory ------------------------------------------------------------------------------

  private scheduleIdleCheck(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const live = this.live;
      if (!live || this.members.size > 0) return;
      if (live.pending > 0) return this.scheduleIdleCheck();
      // Nothing pending: the snapshot is encoded now and rides the next commit.
      this.context.compaction.compact(live, () => this.live === live);
      this.evict();
    }, this.context.idleUnloadMs);
    this.idleTimer.unref();
  }

  /** Drops the document from memory (the store is the truth); the room goes once nobody is in it. */
  evict(): void {
    this.loading = undefined;
    const live = this.live;
    if (live) {
      clearTimeout(this.idleTimer);
      live.doc.destroy();
      this.live = undefined;
      // Sockets that stay (an update that would not apply) get what they miss once it is read again.
      if (this.members.size > 0) this.servedHead = live.head;
    }
    if (!this.inUse) this.context.vacated(this);
  }

  /** Shutdown: queues a snapshot of what is loaded (CP1) with the next commit; `evict` once it is durable. */
  compact(): void {
    const live = this.live;
    if (live) this.context.compaction.compact(live, () => this.live === live);
  }
}

/** A device that holds nothing of the document (Yjs encodes an empty state vector as one 0 byte). */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 0 || (stateVector.byteLength === 1 && stateVector[0] === 0);
}
