import {
  CLOSE_CODES,
  SYNC_LIMITS,
  checkAwarenessPayload,
  encodeServerFrame,
  parseDocId,
  segmentDocId,
  type CloseReason,
  type SubscribeItem,
  type SystemEntry,
} from '@messenjo/shared';
import * as Y from 'yjs';
import type { MembershipStore, Role } from '../../conversations/membership-store.ts';
import type { Disposer, EventBus } from '../../events/bus.ts';
import type { Logger } from '../../logger.ts';
import type { SessionPresence } from '../../presence.ts';
import { CommitQueue } from './commit-queue.ts';
import { Compaction } from './compaction.ts';
import type { ConnectionHost, Peer, SocketAuth } from './connection-host.ts';
import type { ConversationPolicy } from './conversation-policy.ts';
import type { DocStore } from '../store/doc-store.ts';
import { awarenessTopic, InProcessFanout, type Fanout } from './fanout.ts';
import { HeadAnnouncer } from './head-announcer.ts';
import { Room, type CommittedUpdate, type LogRead, type OtherProcesses, type RoomContext } from './room.ts';
import type { AttachmentGate } from './attachment-gate.ts';
import { SegmentDirectory, type OpenedSegment } from './segments.ts';
import {
  DEFAULT_SOCKET_LIMITS,
  SocketRegistry,
  type SharedSocketCaps,
  type SocketLimitOptions,
} from './socket-limits.ts';
import { TickFlusher, type Flushable } from './tick-flusher.ts';
import { listenToUserEvents } from './user-events.ts';

export interface SyncHubOptions {
  store: DocStore;
  memberships: MembershipStore;
  bus: EventBus;
  logger: Logger;
  fanout?: Fanout<Peer>;
  /** A document nobody has open leaves memory after this long (compacted first). */
  idleUnloadMs?: number;
  /** A loaded document's log is compacted into its snapshot past this many entries. */
  compactAfterUpdates?: number;
  /** The social graph's answers the hub needs; absent in bare sync tests (every member may write). */
  conversations?: ConversationPolicy;
  /** The blob store's answers about attachments (VAL7, VAL8); absent in bare sync tests. */
  attachments?: AttachmentGate;
  /** LIM2 / LIM3 (defaults: SYNC_LIMITS); tests lower them. */
  socketLimits?: Partial<SocketLimitOptions>;
  /** LIM2 / LIM3 over all server processes (REDIS_URL, `cluster/`); absent on one process. */
  sharedCaps?: SharedSocketCaps;
  /** LIM1 (default: SYNC_LIMITS.MAX_UNSENT_BYTES). */
  maxUnsentBytes?: number;
  /** Told of every admitted socket and its close (Web Push skips sessions with a socket open). */
  presence?: SessionPresence;
  /** The other server processes (REDIS_URL, `cluster/`): told of commits and awareness; absent on one process. */
  otherProcesses?: OtherProcesses;
}

/** What the backstop's round found (`SyncHub.catchUp`). */
export interface CatchUpRound {
  /** Documents asked about: those with a room here (one store query). */
  held: number;
  /** Of those, documents the store was ahead of (a relay lost on its way here). */
  behind: number;
}

/**
 * The sync engine's front door: it admits sockets (LIM2, LIM3), authorizes their subscribes and
 * enters them into rooms (`room.ts`, one per live document, where updates are committed), and
 * relays awareness. Bus events reach the sockets through `user-events.ts`; compaction is
 * `compaction.ts`. It sees connections only as `Peer`s (`connection-host.ts`).
 */
export class SyncHub implements ConnectionHost {
  private readonly rooms = new Map<string, Room>();
  private readonly sockets: SocketRegistry<Peer>;
  private readonly flusher = new TickFlusher();
  readonly maxUnsentBytes: number;
  private readonly commits: CommitQueue;
  private readonly fanout: Fanout<Peer>;
  private readonly segments: SegmentDirectory;
  private readonly roomContext: RoomContext;
  private readonly disposers: Disposer[];
  /** System entries on their way into a room (their segment being read). */
  private readonly systemEntries = new Set<Promise<void>>();
  /** The order sockets were admitted in: an event reaches only the sockets open when it happened. */
  private readonly admissions = new WeakMap<Peer, number>();
  private admitted = 0;
  /** Sockets holding a place in `sharedCaps` (by their auth, the object `reserve` and `admit` share). */
  private readonly reserved = new WeakSet<SocketAuth>();
  /** Subscribes reading a user's roles, by user: a membership change of theirs marks them stale. */
  private readonly rolesReads = new Map<string, Set<{ stale: boolean }>>();
  private closing = false;

  constructor(private readonly options: SyncHubOptions) {
    const { store, logger } = options;
    this.commits = new CommitQueue(store, {
      afterFlush: () => this.flusher.flushSoon(),
      listCommitted: (columns) => options.conversations?.messagesCommitted(columns),
    });
    const shared = options.sharedCaps;
    this.sockets = new SocketRegistry(
      { ...DEFAULT_SOCKET_LIMITS, ...options.socketLimits },
      shared && ((userId) => shared.shareOf(userId)),
    );
    this.maxUnsentBytes = options.maxUnsentBytes ?? SYNC_LIMITS.MAX_UNSENT_BYTES;
    this.fanout = options.fanout ?? new InProcessFanout<Peer>();
    this.segments = new SegmentDirectory(store, this.fanout, {
      messagesIn: (docId) => this.rooms.get(docId)?.liveDoc?.messageCount(),
      load: (docId) => this.room(docId).load(),
    });
    this.roomContext = {
      store,
      commits: this.commits,
      fanout: this.fanout,
      heads: new HeadAnnouncer(this.fanout),
      segments: this.segments,
      compaction: new Compaction(this.commits, logger, options.compactAfterUpdates ?? 500),
      logger,
      conversations: options.conversations,
      attachments: options.attachments,
      idleUnloadMs: options.idleUnloadMs ?? 30_000,
      segmentOpened: (room, segment, update) => this.followNewSegment(room, segment, update),
      vacated: (room) => {
        if (this.rooms.get(room.docId) === room && !room.inUse) this.rooms.delete(room.docId);
      },
      refuseUpdate: (peer, docId, ref, reason, problem) =>
        this.refuseUpdate(peer, docId, ref, reason, problem),
      otherProcesses: options.otherProcesses,
    };
    this.disposers = [
      options.bus.subscribe('membership.changed', ({ userId }) => {
        for (const read of this.rolesReads.get(userId) ?? []) read.stale = true;
      }),
    ];
    this.disposers.push(
      ...listenToUserEvents(options.bus, {
        logger,
        socketsOf: (userId) => this.sockets.of(userId),
        admissionMark: () => this.admitted,
        admittedBy: (peer, mark) => (this.admissions.get(peer) ?? Infinity) <= mark,
        memberships: options.memberships,
        conversations: options.conversations,
        writeSystemEntry: (conversationId, entry) => this.writeSystemEntry(conversationId, entry),
        committed: () => this.committed(),
      }),
    );
  }

  async reserve(auth: SocketAuth): Promise<CloseReason | null> {
    const shared = this.options.sharedCaps;
    if (!shared) return null;
    const refused = await shared.reserve(auth);
    if (!refused) this.reserved.add(auth);
    return refused;
  }

  cancelReservation(auth: SocketAuth): void {
    if (this.reserved.delete(auth)) this.options.sharedCaps?.release(auth);
  }

  admit(peer: Peer): CloseReason | 'going_away' | null {
    const refused = this.closing ? 'going_away' : this.sockets.admit(peer);
    if (refused) {
      this.cancelReservation(peer.auth);
      return refused;
    }
    this.admissions.set(peer, ++this.admitted);
    this.options.presence?.joined(peer.auth.sessionId);
    return null;
  }

  takeFrame(userId: string): boolean {
    return this.sockets.takeFrame(userId);
  }

  scheduleFlush(connection: Flushable): void {
    this.flusher.schedule(connection);
  }

  disconnected(peer: Peer): void {
    if (!this.sockets.release(peer)) return;
    this.options.presence?.left(peer.auth.sessionId);
    this.cancelReservation(peer.auth);
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  get loadedDocCount(): number {
    let loaded = 0;
    for (const room of this.rooms.values()) if (room.liveDoc) loaded++;
    return loaded;
  }

  /** The room of a document, opened when first asked for (the id must be a valid one). */
  private room(docId: string): Room {
    const existing = this.rooms.get(docId);
    if (existing) return existing;
    const ref = parseDocId(docId);
    if (!ref) throw new Error(`not a document id: ${docId}`);
    const room = new Room(docId, ref, this.roomContext);
    this.rooms.set(docId, room);
    return room;
  }

  // ---- subscribe -------------------------------------------------------------------------

  /**
   * SUB1–SUB3. The store is read first (committed heads, newest segments, the log each device
   * lacks) and so are the user's roles (one query, SUB2; read again when a membership of the
   * user changed meanwhile, so none that ended counts); then, in one turn, the memberships are
   * checked, the socket enters each allowed room and gets its
   * answer: the log read plus the updates still committing (`Room.catchUpFromRead`), or the
   * document in memory when those do not reach it, so what was relayed before the socket
   * entered is never missed. Nothing waits for a commit.
   */
  async subscribe(peer: Peer, items: SubscribeItem[]): Promise<void> {
    const { userId } = peer.auth;
    const refs = items.map((item) => ({ item, ref: parseDocId(item.docId) }));
    const conversationIds = [
      ...new Set(refs.flatMap(({ ref }) => (ref?.kind === 'segment' ? [ref.conversationId] : []))),
    ];
    const readable = refs.filter(({ ref }) => ref && (ref.kind === 'segment' || ref.userId === userId));
    const rolesRead = { stale: false };
    const reads = this.rolesReads.get(userId) ?? new Set();
    this.rolesReads.set(userId, reads);
    reads.add(rolesRead);
    try {
      return await this.subscribeReading(peer, refs, readable, conversationIds, rolesRead);
    } finally {
      reads.delete(rolesRead);
      if (reads.size === 0) this.rolesReads.delete(userId);
    }
  }

  private async subscribeReading(
    peer: Peer,
    refs: { item: SubscribeItem; ref: ReturnType<typeof parseDocId> }[],
    readable: { item: SubscribeItem }[],
    conversationIds: string[],
    rolesRead: { stale: boolean },
  ): Promise<void> {
    const { userId } = peer.auth;
    let rolesNow = this.options.memberships.activeRoles(userId, conversationIds);
    const heads =
      readable.length > 0
        ? await this.options.store.heads(readable.map((r) => r.item.docId))
        : new Map<string, number>();
    await this.segments.learn(conversationIds);
    const fromStore = new Map<SubscribeItem, LogRead | null>(
      await Promise.all(
        readable.map(async ({ item }) => {
          const room = this.rooms.get(item.docId) ?? this.unlistedRoom(item.docId);
          return [item, await room.readCatchUp(item, heads.get(item.docId) ?? 0)] as const;
        }),
      ),
    );
    // SUB2: one membership query for the whole batch, read again if it may predate a change.
    let roles = await rolesNow;
    while (rolesRead.stale) {
      rolesRead.stale = false;
      rolesNow = this.options.memberships.activeRoles(userId, conversationIds);
      roles = await rolesNow;
    }
    // From here on, one turn: nothing changes between the checks and the answers.
    const allowed: { item: SubscribeItem; conversationId: string | null }[] = [];
    for (const { item, ref } of refs) {
      if (!ref) peer.send({ type: 'denied', docId: item.docId, reason: 'bad_doc_id' });
      else if (ref.kind === 'user' && ref.userId !== userId) {
        peer.send({ type: 'denied', docId: item.docId, reason: 'not_owner' });
      } else if (ref.kind === 'segment' && !roles.has(ref.conversationId)) {
        peer.send({ type: 'denied', docId: item.docId, reason: 'not_member' });
      } else allowed.push({ item, conversationId: ref.kind === 'segment' ? ref.conversationId : null });
    }
    const fromMemory: { room: Room; item: SubscribeItem; head: number; latestSegment: number }[] = [];
    for (const { item, conversationId } of allowed) {
      const room = this.room(item.docId);
      // What the subscription keeps is shared, not this frame's copies: the room's parsed id
      // (a slice of the frame's docId would hold the whole string) and the role's constant.
      const entered = peer.enter(room, {
        conversationId: room.ref.kind === 'segment' ? room.ref.conversationId : null,
        role: conversationId === null ? null : sharedRole(roles.get(conversationId)),
        declared: declaredState(item.stateVector),
      });
      if (!entered && !peer.subscriptions.has(item.docId)) {
        // The socket closed while the store answered.
        if (!room.inUse) this.rooms.delete(item.docId);
        continue;
      }
      const head = heads.get(item.docId) ?? 0;
      const latestSegment = conversationId === null ? -1 : this.segments.newestOf(conversationId);
      const read = fromStore.get(item) ?? null;
      const fromLog = read === null ? null : room.catchUpFromRead(read);
      const live = room.liveDoc;
      if (fromLog !== null) {
        room.served(head);
        peer.sendAnswer({ type: 'sync', docId: item.docId, seq: head, update: fromLog, latestSegment });
      } else if (live) {
        const update = room.catchUpFromMemory(live, item);
        peer.sendAnswer({ type: 'sync', docId: item.docId, seq: head, update, latestSegment });
      } else fromMemory.push({ room, item, head, latestSegment });
    }
    // Compacted away and not in memory: the socket is in the room already, so the document
    // loaded now holds whatever was relayed to it meanwhile (and dropped by the device).
    for (const { room, item, head, latestSegment } of fromMemory) {
      const live = await room.load();
      const update = room.catchUpFromMemory(live, item);
      peer.sendAnswer({ type: 'sync', docId: item.docId, seq: head, update, latestSegment });
    }
  }

  /** A room that reads a document's log for a subscribe that may yet be denied (not in the registry). */
  private unlistedRoom(docId: string): Room {
    return new Room(docId, parseDocId(docId)!, this.roomContext);
  }

  // ---- other processes -------------------------------------------------------------------

  /**
   * An update another server process committed to `docId` (the bus hands it over, at most
   * once): the document's room takes it in sequence order, relays it and reads any gap before
   * it from the store (`Room.applyCommitted`). A document this process holds no room for needs
   * nothing: the store has it for whoever subscribes.
   */
  applyCommitted(docId: string, update: CommittedUpdate): void {
    this.rooms.get(docId)?.applyCommitted(update);
  }

  /** Whether this process has a room for the document (what another process's update is for). */
  holds(docId: string): boolean {
    return this.rooms.has(docId);
  }

  /** A device's awareness relayed by another process (checked there): to this process's sockets in the conversation. */
  applyAwareness(conversationId: string, userId: string, payload: Uint8Array): void {
    const topic = awarenessTopic(conversationId);
    if (this.fanout.subscriberCount(topic) === 0) return;
    this.fanout.publish(
      topic,
      encodeServerFrame({ type: 'awareness', conversationId, userId, payload }),
      null,
    );
  }

  /**
   * The backstop against a relay lost between processes: the store's heads of every document
   * this process has a room for (one query), and each room behind its head reads what it
   * missed (`Room.catchUpTo`). Its cost is bounded by the documents held, not by the traffic.
   */
  async catchUp(): Promise<CatchUpRound> {
    const docIds = [...this.rooms.keys()];
    if (docIds.length === 0 || this.closing) return { held: 0, behind: 0 };
    const heads = await this.options.store.heads(docIds);
    let behind = 0;
    for (const [docId, stored] of heads) if (this.rooms.get(docId)?.catchUpTo(stored)) behind++;
    return { held: docIds.length, behind };
  }

  /**
   * After the server's events may have been lost (Redis down, or back after an outage): every
   * socket's session and every subscription's membership are read again, as the events would
   * have told. A socket whose session ended is closed (`session_revoked`); a subscription whose
   * membership ended is dropped (`membership_ended`), the role kept current. One query per
   * user with sockets here for the memberships, one for the sessions.
   */
  async recheckSockets(liveSessions: (userId: string) => Promise<ReadonlySet<string>>): Promise<void> {
    const byUser = new Map<string, Peer[]>();
    for (const peer of this.sockets.all()) {
      const peers = byUser.get(peer.auth.userId);
      if (peers) peers.push(peer);
      else byUser.set(peer.auth.userId, [peer]);
    }
    for (const [userId, peers] of byUser) {
      if (this.closing) return;
      const asked = new Set<string>();
      for (const peer of peers)
        for (const sub of peer.subscriptions.values())
          if (sub.conversationId !== null) asked.add(sub.conversationId);
      const conversationIds = [...asked];
      const [sessions, roles] = await Promise.all([
        liveSessions(userId),
        this.options.memberships.activeRoles(userId, conversationIds),
      ]);
      // Only what was asked: a subscription made since was authorized after the read began.
      for (const peer of peers) {
        if (!sessions.has(peer.auth.sessionId)) {
          peer.close('session_revoked');
          continue;
        }
        for (const [docId, sub] of [...peer.subscriptions]) {
          if (sub.conversationId === null || !asked.has(sub.conversationId)) continue;
          const role = roles.get(sub.conversationId);
          if (role !== undefined) {
            sub.role = sharedRole(role);
            continue;
          }
          peer.unsubscribe(docId);
          peer.send({ type: 'denied', docId, reason: 'membership_ended' });
        }
      }
    }
  }

  // ---- awareness -------------------------------------------------------------------------

  joinAwareness(peer: Peer, conversationId: string): void {
    // The connection keeps no disposer (a closure per socket): it leaves through leaveAwareness.
    this.fanout.subscribe(awarenessTopic(conversationId), peer);
  }

  leaveAwareness(peer: Peer, conversationId: string): void {
    this.fanout.unsubscribe(awarenessTopic(conversationId), peer);
  }

  relayAwareness(peer: Peer, conversationId: string, payload: Uint8Array): void {
    // AW2: only the schema's state; the sender is who the server stamps, never a field.
    const state = checkAwarenessPayload(payload);
    if (!state.ok) return peer.close('awareness_refused', state.problem);
    const frame = encodeServerFrame({ type: 'awareness', conversationId, userId: peer.auth.userId, payload });
    this.fanout.publish(awarenessTopic(conversationId), frame, peer);
    // Within the sender's frame budget here (LIM3): the other processes relay no more than this one took.
    this.options.otherProcesses?.awareness(conversationId, peer.auth.userId, payload);
  }

  // ---- updates ---------------------------------------------------------------------------

  frameFailed(peer: Peer, error: unknown): void {
    this.options.logger.error('sync frame failed', { userId: peer.auth.userId, err: error });
    peer.close('server_error');
  }

  refuseUpdate(peer: Peer, docId: string, ref: number, reason: CloseReason, problem: string): void {
    this.options.logger.warn('update refused', { docId, userId: peer.auth.userId, reason, problem });
    peer.send({ type: 'rejected', docId, ref, code: CLOSE_CODES[reason].code });
    // VAL6: a missing dependency may arrive later (resent after a crash): refuse, keep the socket.
    if (reason !== 'update_missing_dependency') peer.close(reason, problem);
  }

  /**
   * SEG2: the sockets in the conversation's newest segment follow it into the one that just
   * opened, without a subscribe of their own: each enters the new room and gets one `sync` frame
   * (encoded once for all of them) holding the opening update, which is the whole segment. It
   * was relayed to the room's sockets already; these join after, so nobody gets it twice.
   */
  private followNewSegment(opened: Room, segment: OpenedSegment, update: Uint8Array): void {
    const previous = this.rooms.get(segmentDocId(segment.conversationId, segment.index - 1));
    if (!previous) return;
    let frame: Uint8Array | undefined;
    for (const peer of previous.peers()) {
      const sub = peer.subscriptions.get(previous.docId);
      // POS3: the socket declared nothing of the new segment (an empty state vector).
      const terms = {
        conversationId: segment.conversationId,
        role: sub?.role ?? null,
        declared: NOTHING_DECLARED,
      };
      if (!sub || !peer.enter(opened, terms)) continue;
      frame ??= encodeServerFrame({
        type: 'sync',
        docId: opened.docId,
        seq: 0,
        update,
        latestSegment: segment.index,
      });
      peer.sendRaw(frame);
    }
  }

  /**
   * SYS1: the entry goes to the conversation's newest segment (segment 0 when it has none yet),
   * at once when that segment is in memory, else once it is read.
   */
  private writeSystemEntry(conversationId: string, entry: SystemEntry): void {
    const written = this.appendSystemEntry(conversationId, entry).catch((err: unknown) =>
      this.options.logger.error('system entry not stored', { conversationId, err }),
    );
    this.systemEntries.add(written);
    void written.finally(() => this.systemEntries.delete(written));
  }

  /**
   * Resolves once everything enqueued so far has committed or failed, system entries on their
   * way into a room included (a conversation's change reaches devices after its system line).
   */
  private async committed(): Promise<void> {
    await Promise.all(this.systemEntries);
    await this.commits.flushed();
  }

  private async appendSystemEntry(conversationId: string, entry: SystemEntry): Promise<void> {
    try {
      await this.options.conversations?.prepareSystemEntry(entry);
    } catch (err) {
      // The line is written all the same; its list preview names "someone".
      this.options.logger.warn('names of a system line not read', { conversationId, err });
    }
    for (;;) {
      if (!this.segments.isKnown(conversationId)) {
        await this.segments.learn([conversationId]);
        continue;
      }
      const room = this.room(
        segmentDocId(conversationId, Math.max(0, this.segments.newestOf(conversationId))),
      );
      const live = room.liveDoc;
      if (live) return room.writeSystemEntry(live, entry);
      await room.load();
    }
  }

  /**
   * Shutdown: commit what is pending (and ack it), close every socket with 1001, then snapshot
   * the loaded documents with the last commit and unload them. Resolves once that is durable.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.commits.flushed();
    for (const peer of this.sockets.all()) peer.close('going_away', 'server shutting down');
    for (const dispose of this.disposers) dispose();
    const rooms = [...this.rooms.values()];
    for (const room of rooms) room.compact();
    await this.commits.flushed();
    for (const room of rooms) room.evict();
    this.roomContext.heads.close();
  }
}

const ROLES: readonly Role[] = ['owner', 'admin', 'member'];

/** The role as the constant string (the membership query gives every row its own copy). */
function sharedRole(role: Role | undefined): Role | null {
  return role === undefined ? null : (ROLES.find((r) => r === role) ?? role);
}

/** What a device declared that holds nothing: one map for every such subscription (it is only read). */
const NOTHING_DECLARED: ReadonlyMap<number, number> = new Map();

/** A subscribe's state vector; one that does not decode declares nothing (the device gets everything). */
function declaredState(stateVector: Uint8Array): ReadonlyMap<number, number> {
  try {
    const declared = Y.decodeStateVector(stateVector);
    return declared.size === 0 ? NOTHING_DECLARED : declared;
  } catch {
    return NOTHING_DECLARED;
  }
}
