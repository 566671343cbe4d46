import {
  type CloseReason,
  type DenyReason,
  basisBefore,
  CLOSE_CODES,
  closeReasonOf,
  decodeServerFrame,
  encodeClientFrame,
  parseDocId,
  PROTOCOL_VERSION,
  shouldRetryClose,
  type ClientFrame,
  type ServerFrame,
  type UserEvent,
} from '@messenjo/shared';
import * as Y from 'yjs';
import { reconnectDelayMs } from './backoff.ts';
import { DocEntry, FROM_FOLLOWER_TAB, FROM_LEADER_TAB, FROM_SERVER, FROM_STORAGE } from './doc-entry.ts';
import { MemoryPersistence, type DocPersistence } from './persistence.ts';
import { reapply } from './rebase.ts';
import { Store } from '../lib/store.ts';
import type { SyncStatus } from './status.ts';
import type { TabMessage, TabChannel } from './tab-channel.ts';

/** What the client needs of a WebSocket: the browser's, or `ws` in Node tests. */
export interface WebSocketLike {
  binaryType: string;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface SyncClientOptions {
  /** `ws(s)://host/sync` */
  url: string;
  createSocket?: WebSocketFactory;
  persistence?: DocPersistence;
  random?: () => number;
  /** Delay before reconnect attempt n; defaults to jittered exponential backoff (tests shorten it). */
  reconnectDelay?: (attempt: number) => number;
  /** Several tabs of one device: only the leader holds the socket (tabs.ts). Absent: this client is alone. */
  tabs?: TabChannel;
  onError?: (error: unknown) => void;
}

type Disposer = () => void;

/**
 * The device's sync client: one socket for every document, reconnect with jittered backoff,
 * documents loaded from storage before the network answers, unacked updates kept and resent,
 * pending counts, user events. Framework-free; the app's device session (session/) holds it and React reads its stores.
 */
export class SyncClient {
  readonly status = new Store<SyncStatus>('offline');
  /** Unacked local updates over all documents. */
  readonly pendingTotal = new Store<number>(0);
  /** Why the server ended this device's session, once `status` is `signed_out` (this tab's socket). */
  endedBy: 'session_revoked' | 'user_deleted' | 'unauthenticated' | null = null;
  private readonly docs = new Map<string, DocEntry>();
  private readonly persistence: DocPersistence;
  private readonly createSocket: WebSocketFactory;
  private socket: WebSocketLike | null = null;
  private helloDone = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private leader: boolean;
  /** A follower tab: the leader's connection status, shown as "syncing" while a document waits for the leader. */
  private leaderStatus: SyncStatus = 'offline';
  /**
   * Whether `offline` is a fact (a connection attempt ended, or the leader tab said so) rather
   * than the state before the first attempt (a tab waiting for the leader lock starts "offline").
   */
  private offlineKnown = false;
  private readonly eventListeners = new Set<(event: UserEvent) => void>();
  private readonly refusalListeners = new Set<(docId: string, reason: CloseReason | DenyReason) => void>();
  private readonly frameListeners = new Set<(frame: ServerFrame) => void>();
  private readonly docListeners = new Set<(docId: string, doc: Y.Doc) => void>();
  private readonly ackListeners = new Set<(docId: string, update: Uint8Array) => void>();
  private readonly disposers: Disposer[] = [];
  /** The basis of the follower tab's change being applied (read by the update listener). */
  private followerBasis: Uint8Array | undefined;
  /**
   * Segments the server subscribed this socket to (SEG2) that are still loading from storage:
   * the socket they came on and their frames, applied in order once loaded.
   */
  private readonly following = new Map<string, { socket: WebSocketLike | null; frames: ServerFrame[] }>();

  constructor(private readonly options: SyncClientOptions) {
    this.persistence = options.persistence ?? new MemoryPersistence();
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike);
    this.leader = options.tabs === undefined;
    if (options.tabs)
      this.disposers.push(
        options.tabs.subscribe((message) => this.onTabMessage(message)),
        // Followers show the leader's connection: every change of it, not only of the pending count.
        this.status.subscribe(() => this.postStatus()),
      );
  }

  // ---- lifecycle ------------------------------------------------------------------------

  start(): void {
    this.running = true;
    // The browser says the network is back: try at once instead of waiting out the backoff.
    const target = globalThis as {
      addEventListener?: typeof addEventListener;
      removeEventListener?: typeof removeEventListener;
    };
    if (target.addEventListener && target.removeEventListener) {
      const onOnline = (): void => {
        if (!this.running || !this.leader || this.socket) return;
        clearTimeout(this.reconnectTimer);
        this.attempt = 0;
        this.connect();
      };
      // The browser says the network is gone: a socket may linger half-open for minutes; show
      // offline now, so what is written meanwhile is seen as pending.
      const onOffline = (): void => {
        if (this.socket) this.dropConnection();
      };
      target.addEventListener('online', onOnline);
      target.addEventListener('offline', onOffline);
      this.disposers.push(() => {
        target.removeEventListener?.('online', onOnline);
        target.removeEventListener?.('offline', onOffline);
      });
    }
    if (this.leader) this.connect();
  }

  /** Stops for good (sign-out, tests): closes the socket, keeps what is stored. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'client stopped');
    this.socket = null;
    for (const dispose of this.disposers.splice(0)) dispose();
    await Promise.all([...this.docs.values()].map((entry) => entry.flushed()));
    for (const entry of this.docs.values()) entry.doc.destroy();
    this.docs.clear();
  }

  /** This tab now owns the socket (tabs.ts): take over the stored outbox and connect. */
  async becomeLeader(): Promise<void> {
    if (this.leader) return;
    this.leader = true;
    for (const entry of this.docs.values()) {
      // "Synced" through the old leader: this tab subscribes on its own socket now.
      if (entry.state === 'synced') entry.state = 'idle';
      entry.adoptOutbox((await this.persistence.load(entry.docId)).outbox);
    }
    this.updatePending();
    if (this.running) this.connect();
  }

  private connect(): void {
    if (!this.running || this.socket) return;
    this.status.set('connecting');
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch (error) {
      this.options.onError?.(error);
      return this.scheduleReconnect();
    }
    this.socket = socket;
    this.helloDone = false;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    socket.onmessage = (event) => this.onData(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.helloDone = false;
      for (const entry of this.docs.values())
        if (entry.state === 'subscribing' || entry.state === 'synced') entry.state = 'idle';
      this.onClosed(event.code);
    };
  }

  /**
   * The device is offline for real: what it holds is all there is for now (the view may open on
   * it). Not before the first connection attempt has ended, unless the browser says so.
   */
  isOffline(): boolean {
    if (this.status.get() !== 'offline') return false;
    return this.offlineKnown || (globalThis.navigator as Navigator | undefined)?.onLine === false;
  }

  private onClosed(code: number): void {
    this.offlineKnown = true;
    const reason = closeReasonOf(code);
    if (reason === 'session_revoked' || reason === 'user_deleted' || reason === 'unauthenticated') {
      this.running = false;
      this.endedBy = reason;
      return this.status.set('signed_out');
    }
    if (!this.running) return this.status.set('offline');
    if (!shouldRetryClose(code)) {
      this.options.onError?.(new Error(`sync closed for good: ${reason ?? code}`));
      return this.status.set('offline');
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.offlineKnown = true;
    this.status.set('offline');
    clearTimeout(this.reconnectTimer);
    const attempt = this.attempt++;
    const delay = this.options.reconnectDelay?.(attempt) ?? reconnectDelayMs(attempt, this.options.random);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Drops the connection now (tests, "network changed"); it reconnects with backoff. */
  dropConnection(): void {
    this.socket?.close(4999, 'dropped by client');
    const socket = this.socket;
    if (socket?.onclose) socket.onclose({ code: 1006, reason: 'dropped' });
  }

  private send(frame: ClientFrame): void {
    this.socket?.send(encodeClientFrame(frame));
  }

  // ---- documents ------------------------------------------------------------------------

  /** Opens a document: local state first (storage), then the server's. Resolves once loaded locally. */
  async open(docId: string): Promise<Y.Doc> {
    let entry = this.docs.get(docId);
    if (!entry) {
      entry = new DocEntry(docId, this.persistence, (error) => this.options.onError?.(error));
      this.docs.set(docId, entry);
      const created = entry;
      await entry.loaded;
      this.watch(created);
      this.updatePending();
      if (this.leader) this.settle(created);
      else {
        this.options.tabs?.post({ kind: 'open', docId, stateVector: Y.encodeStateVector(created.doc) });
        this.showFollowerStatus();
      }
    }
    await entry.loaded;
    return entry.doc;
  }

  /** The open document, if any (it is replaced after the server refuses it: see onDocReplaced). */
  doc(docId: string): Y.Doc | undefined {
    return this.docs.get(docId)?.doc;
  }

  isOpen(docId: string): boolean {
    return this.docs.has(docId);
  }

  docState(docId: string): DocEntry['state'] | undefined {
    return this.docs.get(docId)?.state;
  }

  seqOf(docId: string): number {
    return this.docs.get(docId)?.seq ?? 0;
  }

  pending(docId?: string): number {
    if (docId === undefined) return this.pendingTotal.get();
    return this.docs.get(docId)?.outbox.size ?? 0;
  }

  /** This device's local updates to a document the server has not acked yet, oldest first ("pending" messages). */
  unackedUpdates(docId: string): Uint8Array[] {
    return [...(this.docs.get(docId)?.outbox.values() ?? [])];
  }

  close(docId: string): void {
    const entry = this.docs.get(docId);
    if (!entry) return;
    this.docs.delete(docId);
    if (this.helloDone) this.send({ type: 'unsubscribe', docIds: [docId] });
    void entry.flushed().then(() => entry.doc.destroy());
  }

  private watch(entry: DocEntry): void {
    const doc = entry.doc;
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_STORAGE || this.docs.get(entry.docId) !== entry || entry.doc !== doc) return;
      const local = origin !== FROM_SERVER && origin !== FROM_LEADER_TAB;
      if (this.leader) {
        if (origin === FROM_SERVER) entry.persist((p) => p.appendUpdate(entry.docId, update));
        if (local) {
          // POS2: the basis is what the tab that made the change had seen.
          const basis = (origin === FROM_FOLLOWER_TAB && this.followerBasis) || basisBefore(doc, update);
          this.queueLocal(entry, update, basis);
        }
        this.options.tabs?.post({ kind: 'remote', docId: entry.docId, update });
      } else if (local && origin !== FROM_FOLLOWER_TAB) {
        entry.persist((p) => p.appendUpdate(entry.docId, update));
        this.options.tabs?.post({
          kind: 'local',
          docId: entry.docId,
          update,
          basis: basisBefore(doc, update),
        });
      }
    });
  }

  /** UP1: every local change gets a ref, is stored with it, and goes out at once when synced. */
  private queueLocal(entry: DocEntry, update: Uint8Array, basis: Uint8Array): void {
    const ref = entry.nextRef++;
    entry.outbox.set(ref, update);
    entry.bases.set(ref, basis);
    entry.persist(async (p) => {
      await p.appendUpdate(entry.docId, update);
      await p.addOutbox(entry.docId, ref, update, basis);
    });
    this.updatePending();
    if (entry.state === 'synced') this.sendUpdate(entry, ref, update);
  }

  private sendUpdate(entry: DocEntry, ref: number, update: Uint8Array): void {
    this.send({ type: 'update', docId: entry.docId, ref, update, basis: entry.bases.get(ref) });
  }

  private subscribe(entries: DocEntry[]): void {
    if (!this.helloDone) return;
    const ready = entries.filter((e) => e.state === 'idle');
    if (ready.length === 0) return;
    for (const entry of ready) entry.state = 'subscribing';
    this.status.set('syncing');
    this.send({
      type: 'subscribe',
      docs: ready.map((e) => ({ docId: e.docId, seq: e.seq, stateVector: Y.encodeStateVector(e.doc) })),
    });
  }

  // ---- frames ---------------------------------------------------------------------------

  private onData(data: unknown): void {
    const bytes =
      data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : null;
    if (!bytes) return;
    let decoded;
    try {
      decoded = decodeServerFrame(bytes);
    } catch (error) {
      this.options.onError?.(error);
      return;
    }
    if (decoded.kind === 'frame') this.onFrame(decoded.frame);
  }

  private onFrame(frame: ServerFrame): void {
    // SEG2: before the listeners, which may open the same segment (they then get this entry).
    if (frame.type === 'sync') this.noteFollowed(frame.docId);
    for (const listener of this.frameListeners) listener(frame);
    const followed = 'docId' in frame ? this.following.get(frame.docId) : undefined;
    if (followed) followed.frames.push(frame);
    else this.handleFrame(frame);
  }

  /**
   * SEG2: a `sync` for a segment this socket never subscribed to (not open, or still loading
   * from storage before its subscribe): the server made this socket follow the conversation
   * into a new segment. It is opened as if the device had asked; its frames wait for the load.
   */
  private noteFollowed(docId: string): void {
    if (this.following.has(docId) || parseDocId(docId)?.kind !== 'segment') return;
    const open = this.docs.get(docId);
    if (open && open.state !== 'loading') return;
    this.following.set(docId, { socket: this.socket, frames: [] });
    if (open) return; // open() is loading it and settles it
    const entry = new DocEntry(docId, this.persistence, (error) => this.options.onError?.(error));
    this.docs.set(docId, entry);
    void entry.loaded.then(() => {
      if (this.docs.get(docId) !== entry) return void this.following.delete(docId); // closed meanwhile
      this.watch(entry);
      this.updatePending();
      this.settle(entry);
    });
  }

  /**
   * A document is loaded from storage: the server's frames for it that arrived meanwhile are
   * applied (SEG2), or, when there were none or the socket changed since, it is subscribed.
   */
  private settle(entry: DocEntry): void {
    const followed = this.following.get(entry.docId);
    this.following.delete(entry.docId);
    if (!followed || followed.socket !== this.socket || !this.helloDone) return this.subscribe([entry]);
    entry.state = 'subscribing';
    for (const frame of followed.frames) this.handleFrame(frame);
  }

  private handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'hello':
        this.helloDone = true;
        this.attempt = 0;
        this.subscribe([...this.docs.values()]);
        return this.refreshStatus();
      case 'sync': {
        const entry = this.docs.get(frame.docId);
        if (!entry) return;
        Y.applyUpdate(entry.doc, frame.update, FROM_SERVER);
        this.setSeq(entry, frame.seq);
        entry.state = 'synced';
        this.options.tabs?.post({ kind: 'synced', docId: entry.docId });
        // UP5: whatever was not acked goes out again, in the order it was made.
        for (const [ref, update] of entry.outbox) this.sendUpdate(entry, ref, update);
        // After a refusal: what the later changes did is made again, after the server's state (a new update).
        const carried = entry.takeCarried();
        if (carried) reapply(entry.doc, entry.docId, carried);
        return this.refreshStatus();
      }
      case 'update': {
        const entry = this.docs.get(frame.docId);
        if (!entry || entry.state !== 'synced') return;
        Y.applyUpdate(entry.doc, frame.update, FROM_SERVER);
        if (frame.seq > 0) this.setSeq(entry, frame.seq);
        return this.resendDeferred(entry);
      }
      case 'head': {
        const entry = this.docs.get(frame.docId);
        if (!entry || entry.state !== 'synced') return;
        this.setSeq(entry, frame.seq);
        return this.resendDeferred(entry);
      }
      case 'ack': {
        const entry = this.docs.get(frame.docId);
        const update = entry?.outbox.get(frame.ref);
        if (!entry || !update) return;
        entry.outbox.delete(frame.ref);
        entry.bases.delete(frame.ref);
        for (const listener of this.ackListeners) listener(entry.docId, update);
        entry.persist((p) => p.removeOutbox(entry.docId, frame.ref));
        if (frame.seq > 0) this.setSeq(entry, frame.seq);
        return this.updatePending();
      }
      case 'denied': {
        const entry = this.docs.get(frame.docId);
        if (entry) {
          entry.state = 'denied';
          // Changes made while away (e.g. removed from a group while offline) can never be sent: say so.
          if (entry.outbox.size > 0)
            for (const listener of this.refusalListeners) listener(entry.docId, frame.reason);
        }
        return this.refreshStatus();
      }
      case 'rejected': {
        const entry = this.docs.get(frame.docId);
        const reason = closeReasonOf(frame.code);
        if (entry && reason === 'update_missing_dependency') {
          entry.deferred = true; // sent again once the server has more of the document
          return;
        }
        if (!entry || !reason || !CLOSE_CODES[reason].discardDoc) return;
        for (const listener of this.refusalListeners) listener(entry.docId, reason);
        // A read-only conversation refuses every queued change, not just this one: drop them all.
        // Otherwise only the refused change is lost: the later ones are made again (doc-entry.ts).
        const readOnly = reason === 'update_not_writable';
        const doc = entry.reset(readOnly ? 0 : frame.ref, !readOnly);
        this.watch(entry);
        entry.state = 'idle';
        this.updatePending();
        for (const listener of this.docListeners) listener(entry.docId, doc);
        return;
      }
      case 'event':
        for (const listener of this.eventListeners) listener(frame.event);
        return;
      case 'segment':
      case 'awareness':
        // Followers have no socket: they hear who is typing and new segments through the leader.
        if (this.leader) this.options.tabs?.post({ kind: 'frame', frame });
        return;
    }
  }

  /**
   * More of a document arrived: resend what the server could not take yet (VAL6) in it, and in the
   * other segments of its conversation (SEG1: segment n + 1 waits until segment n is full there).
   */
  private resendDeferred(arrived: DocEntry): void {
    const conversation = conversationOf(arrived.docId);
    for (const entry of this.docs.values()) {
      if (!entry.deferred || entry.state !== 'synced') continue;
      if (entry !== arrived && (conversation === null || conversationOf(entry.docId) !== conversation))
        continue;
      entry.deferred = false;
      for (const [ref, update] of entry.outbox) this.sendUpdate(entry, ref, update);
    }
  }

  private setSeq(entry: DocEntry, seq: number): void {
    if (seq <= entry.seq) return;
    entry.seq = seq;
    entry.persist((p) => p.setSeq(entry.docId, seq));
  }

  private refreshStatus(): void {
    if (!this.helloDone) return;
    const syncing = [...this.docs.values()].some((e) => e.state === 'subscribing');
    this.status.set(syncing ? 'syncing' : 'online');
  }

  private updatePending(): void {
    let total = 0;
    for (const entry of this.docs.values()) total += entry.outbox.size;
    this.pendingTotal.set(total);
    this.postStatus();
  }

  /**
   * A follower shows the leader's status, but "syncing" while one of its documents has not been
   * answered by the leader yet (as the leader does while subscribing): what waits on a
   * document's server state (where a conversation opens) hears when it is there.
   */
  private showFollowerStatus(): void {
    if (this.leader) return;
    const waiting = [...this.docs.values()].some((e) => e.state === 'idle' || e.state === 'subscribing');
    this.status.set(this.leaderStatus === 'online' && waiting ? 'syncing' : this.leaderStatus);
  }

  private postStatus(): void {
    if (this.leader)
      this.options.tabs?.post({
        kind: 'status',
        status: this.status.get(),
        pending: this.pendingTotal.get(),
      });
  }

  // ---- other tabs -----------------------------------------------------------------------

  private onTabMessage(message: TabMessage): void {
    const entry = 'docId' in message ? this.docs.get(message.docId) : undefined;
    switch (message.kind) {
      case 'local':
        if (this.leader && entry) {
          this.followerBasis = message.basis;
          Y.applyUpdate(entry.doc, message.update, FROM_FOLLOWER_TAB);
          this.followerBasis = undefined;
        }
        return;
      case 'remote':
        if (!this.leader && entry) Y.applyUpdate(entry.doc, message.update, FROM_LEADER_TAB);
        return;
      case 'open':
        if (!this.leader) return;
        // A tab that opens documents has just started: it learns the connection's state too.
        this.postStatus();
        void this.open(message.docId).then((doc) => {
          this.options.tabs?.post({
            kind: 'remote',
            docId: message.docId,
            update: Y.encodeStateAsUpdate(doc, message.stateVector),
          });
          if (this.docs.get(message.docId)?.state === 'synced')
            this.options.tabs?.post({ kind: 'synced', docId: message.docId });
        });
        return;
      case 'status':
        if (this.leader) return;
        this.offlineKnown = true;
        this.leaderStatus = message.status;
        this.showFollowerStatus();
        this.pendingTotal.set(message.pending);
        return;
      case 'synced':
        if (this.leader || !entry || entry.state === 'loading') return;
        entry.state = 'synced';
        return this.showFollowerStatus();
      case 'awareness-send':
        if (this.leader) this.sendAwareness(message.conversationId, message.payload);
        return;
      case 'frame':
        if (this.leader) return;
        for (const listener of this.frameListeners) listener(message.frame);
        return;
    }
  }

  // ---- listeners ------------------------------------------------------------------------

  /**
   * The server refused this device's changes to a document, or the device can no longer send
   * the changes it holds (membership ended while away): the person should be told why.
   */
  onRefused(listener: (docId: string, reason: CloseReason | DenyReason) => void): Disposer {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  onEvent(listener: (event: UserEvent) => void): Disposer {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onFrameReceived(listener: (frame: ServerFrame) => void): Disposer {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** A local update is stored by the server (the "sent" tick of the messages in it). */
  onAck(listener: (docId: string, update: Uint8Array) => void): Disposer {
    this.ackListeners.add(listener);
    return () => this.ackListeners.delete(listener);
  }

  /** After the server refused a document, its Y.Doc is replaced by a fresh one. */
  onDocReplaced(listener: (docId: string, doc: Y.Doc) => void): Disposer {
    this.docListeners.add(listener);
    return () => this.docListeners.delete(listener);
  }

  sendAwareness(conversationId: string, payload: Uint8Array): void {
    if (!this.leader) this.options.tabs?.post({ kind: 'awareness-send', conversationId, payload });
    else if (this.helloDone) this.send({ type: 'awareness', conversationId, payload });
  }

  /** Ids of the open documents of a conversation. */
  openSegments(conversationId: string): number[] {
    return [...this.docs.keys()].flatMap((docId) => {
      const ref = parseDocId(docId);
      return ref?.kind === 'segment' && ref.conversationId === conversationId ? [ref.index] : [];
    });
  }
}

function conversationOf(docId: string): string | null {
  const ref = parseDocId(docId);
  return ref?.kind === 'segment' ? ref.conversationId : null;
}
