import type { CloseReason, DenyReason, ServerFrame, UserEvent } from '@messenjo/shared';
import type * as Y from 'yjs';
import { Store } from '../lib/store.ts';
import type { DocFacts, DocState } from './core/doc-entry.ts';
import { DocumentSync } from './core/document-sync.ts';
import type { DocPersistence } from './core/persistence.ts';
import { SyncSocket, type SessionEndReason } from './socket/sync-socket.ts';
import type { WebSocketFactory } from './socket/websocket.ts';
import type { SyncStatus } from './status.ts';
import type { TabChannel } from './tabs/tab-channel.ts';
import { TabRelay } from './tabs/tab-relay.ts';

export interface SyncClientOptions {
  /** `ws(s)://host/sync` */
  url: string;
  createSocket?: WebSocketFactory;
  persistence?: DocPersistence;
  random?: () => number;
  /** Delay before reconnect attempt n; defaults to jittered exponential backoff (tests shorten it). */
  reconnectDelay?: (attempt: number) => number;
  /** Several tabs of one device: only the leader holds the socket (tabs/). Absent: this client is alone. */
  tabs?: TabChannel;
  onError?: (error: unknown) => void;
}

/**
 * The device's sync client, assembled from its layers: the socket (`socket/`: connection,
 * hello, reconnect with backoff), tab sharing around it (`tabs/`: one tab holds the socket, the
 * others follow it), and the core (`core/`: the documents and the outbox, facts per document).
 * This class only joins them and shows one status; framework-free, held by the device session.
 */
export class SyncClient {
  readonly status = new Store<SyncStatus>('offline');
  /**
   * The device is known to be offline (`isOffline`) and has not been connected since: retries
   * ("connecting") keep it. False while the first attempt runs, so nothing says "offline" at
   * every start before anything failed (the offline banner appeared and left again, moving the
   * conversation on the screen).
   */
  readonly offline = new Store(false);
  /** Unacked local changes over all documents (a follower tab: the leader's count). */
  readonly pendingTotal = new Store<number>(0);
  private readonly core: DocumentSync;
  private readonly socket: SyncSocket;
  private readonly relay: TabRelay | null;
  private running = false;
  private wasOnline = false;
  private readonly disposers: (() => void)[] = [];

  constructor(options: SyncClientOptions) {
    this.core = new DocumentSync({ persistence: options.persistence, onError: options.onError });
    this.socket = new SyncSocket(options);
    this.relay = options.tabs
      ? new TabRelay(options.tabs, this.core, this.socket, {
          status: this.status,
          pendingTotal: this.pendingTotal,
        })
      : null;
    if (!this.relay) this.core.attach(this.socket);
    const showPending = (): void => this.showPending();
    this.disposers.push(
      this.socket.status.subscribe(() => this.onSocketStatus()),
      this.core.onFacts(() => this.showStatus()),
      this.core.pendingTotal.subscribe(showPending),
    );
    if (this.relay)
      this.disposers.push(
        this.relay.leaderStatus.subscribe(() => this.showStatus()),
        this.relay.leaderHeard.subscribe(() => this.showStatus()),
        this.relay.leaderPending.subscribe(showPending),
      );
  }

  /** This tab holds the socket (a client alone always does). */
  private get holdsSocket(): boolean {
    return this.relay === null || this.relay.isLeader;
  }

  private showPending(): void {
    this.pendingTotal.set(
      this.holdsSocket ? this.core.pendingTotal.get() : (this.relay?.leaderPending.get() ?? 0),
    );
  }

  private onSocketStatus(): void {
    const online = this.socket.status.get() === 'online';
    if (online && !this.wasOnline) this.core.connected();
    if (!online && this.wasOnline) this.core.disconnected();
    this.wasOnline = online;
    this.showStatus();
  }

  /**
   * The socket's status, "syncing" while a document waits for the server; a follower tab shows
   * the leader's, "syncing" while one of its documents has not been answered by the leader yet
   * (what waits on a document's server state, where a conversation opens, hears when it is there).
   */
  private showStatus(): void {
    if (this.holdsSocket) {
      const status = this.socket.status.get();
      this.status.set(status === 'online' && this.core.hasDocIn(['subscribing']) ? 'syncing' : status);
    } else {
      const status = this.relay?.leaderStatus.get() ?? 'offline';
      const waiting = this.core.hasDocIn(['idle', 'subscribing']);
      this.status.set(status === 'online' && waiting ? 'syncing' : status);
    }
    const shown = this.status.get();
    if (shown === 'offline') this.offline.set(this.isOffline());
    else if (shown !== 'connecting') this.offline.set(false);
  }

  // ---- lifecycle ------------------------------------------------------------------------

  start(): void {
    this.running = true;
    if (this.holdsSocket) this.socket.start();
  }

  /** This tab now owns the socket (tabs/leader-election.ts): take over the stored outbox and connect. */
  async becomeLeader(): Promise<void> {
    await this.relay?.lead(this.running);
    this.showPending();
    this.showStatus();
  }

  /** Stops for good (sign-out, tests): closes the socket, keeps what is stored. */
  async stop(): Promise<void> {
    this.running = false;
    this.socket.stop();
    this.relay?.dispose();
    for (const dispose of this.disposers.splice(0)) dispose();
    await this.core.stop();
  }

  /** Drops the connection now (tests, "network changed"); it reconnects with backoff. */
  dropConnection(): void {
    this.socket.drop();
  }

  /** Why the server ended this device's session, once `status` is `signed_out` (this tab's socket). */
  get endedBy(): SessionEndReason | null {
    return this.socket.endedBy;
  }

  /**
   * The device is offline for real: what it holds is all there is for now (the view may open on
   * it). Not before the first connection attempt has ended (or the leader tab said so), unless
   * the browser says so.
   */
  isOffline(): boolean {
    if (this.holdsSocket) return this.socket.isOffline();
    if (this.status.get() !== 'offline') return false;
    return (
      this.relay?.heardLeader === true || (globalThis.navigator as Navigator | undefined)?.onLine === false
    );
  }

  sendAwareness(conversationId: string, payload: Uint8Array): void {
    if (this.relay) this.relay.sendAwareness(conversationId, payload);
    else if (this.socket.connected) this.socket.send({ type: 'awareness', conversationId, payload });
  }

  // ---- the core's documents and facts ---------------------------------------------------

  open(docId: string): Promise<Y.Doc> {
    return this.core.open(docId);
  }
  /** The open document, if any (it is replaced after the server refuses it: see onDocReplaced). */
  doc(docId: string): Y.Doc | undefined {
    return this.core.doc(docId);
  }
  isOpen(docId: string): boolean {
    return this.core.isOpen(docId);
  }
  close(docId: string): void {
    this.core.close(docId);
  }
  docState(docId: string): DocState | undefined {
    return this.core.docState(docId);
  }
  seqOf(docId: string): number {
    return this.core.seqOf(docId);
  }
  pending(docId?: string): number {
    return docId === undefined ? this.pendingTotal.get() : this.core.pending(docId);
  }
  openSegments(conversationId: string): number[] {
    return this.core.openSegments(conversationId);
  }
  facts(docId: string): DocFacts {
    return this.core.facts(docId);
  }
  onFacts(listener: (docId: string) => void): () => void {
    return this.core.onFacts(listener);
  }
  onRefused(listener: (docId: string, reason: CloseReason | DenyReason) => void): () => void {
    return this.core.onRefused(listener);
  }
  onEvent(listener: (event: UserEvent) => void): () => void {
    return this.core.onEvent(listener);
  }
  onFrameReceived(listener: (frame: ServerFrame) => void): () => void {
    return this.core.onFrameReceived(listener);
  }
  onAck(listener: (docId: string, update: Uint8Array) => void): () => void {
    return this.core.onAck(listener);
  }
  onDocReplaced(listener: (docId: string, doc: Y.Doc) => void): () => void {
    return this.core.onDocReplaced(listener);
  }
}
