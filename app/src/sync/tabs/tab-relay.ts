import { basisBefore, parseDocId } from '@messenjo/shared';
import * as Y from 'yjs';
import { Store } from '../../lib/store.ts';
import type { DocumentSync } from '../core/document-sync.ts';
import { messageIdsInUpdate } from '../core/doc-entry.ts';
import type { SyncSocket } from '../socket/sync-socket.ts';
import type { SyncStatus } from '../status.ts';
import type { TabChannel, TabMessage } from './tab-channel.ts';

/** The device's connection as the tab holding the socket shows it, for the other tabs to show too. */
export interface ShownConnection {
  status: Store<SyncStatus>;
  pendingTotal: Store<number>;
}

/**
 * Tab sharing, around the socket: of the tabs of one device only the leader (tabs/leader-election.ts)
 * starts the socket; the others follow it over a BroadcastChannel. Documents are shared as Yjs
 * updates (as y-websocket shares them between tabs): a follower asks the leader for what it
 * opened, hands it its local changes (the leader queues them in the one outbox, with the
 * follower's basis, POS2), and applies every change the leader has. The leader also passes on
 * its status, which documents it holds synced, what waits in its outbox (a follower's pending
 * facts), and the frames only its socket receives (typing, new segments, user events).
 */
export class TabRelay {
  /** A follower: the leader's connection and its device-wide count of unsent changes. */
  readonly leaderStatus = new Store<SyncStatus>('offline');
  readonly leaderPending = new Store<number>(0);
  /** A follower heard the leader's status at least once: `offline` is then a fact. */
  readonly leaderHeard = new Store(false);
  get heardLeader(): boolean {
    return this.leaderHeard.get();
  }
  private leader = false;
  private readonly tab = Math.random().toString(36).slice(2);
  private sent = 0;
  /** A follower's own changes the leader has not confirmed queuing yet (by `n`): pending meanwhile. */
  private readonly unconfirmed = new Map<string, Map<number, string[]>>();
  /** A follower: the leader's last word on each document's outbox. */
  private readonly leaderOutbox = new Map<string, { changes: number; messageIds: string[] }>();
  /** The leader: which documents it told the followers it holds synced, and what it said of their outbox. */
  private readonly toldSynced = new Set<string>();
  private readonly toldPending = new Map<string, string>();
  private readonly disposers: (() => void)[];

  constructor(
    private readonly channel: TabChannel,
    private readonly core: DocumentSync,
    private readonly socket: SyncSocket,
    private readonly shown: ShownConnection,
  ) {
    core.follow();
    this.disposers = [
      channel.subscribe((message) => this.onMessage(message)),
      core.onChange((docId, update, origin) => {
        if (this.leader) this.channel.post({ kind: 'remote', docId, update });
        else if (origin === 'local') this.handToLeader(docId, update);
      }),
      core.onOpened((docId, doc) => {
        if (!this.leader) this.channel.post({ kind: 'open', docId, stateVector: Y.encodeStateVector(doc) });
      }),
      core.onFacts((docId) => {
        if (this.leader) this.tellFacts(docId);
      }),
      socket.onFrame((frame) => {
        if (!this.leader) return;
        if (frame.type === 'awareness' || frame.type === 'segment' || frame.type === 'event')
          this.channel.post({ kind: 'frame', frame });
        // The newest segment a sync names reaches the followers as a new segment would: a
        // follower that opened a conversation at segment 0 (nothing stored) learns the newest.
        const ref = frame.type === 'sync' ? parseDocId(frame.docId) : null;
        if (frame.type === 'sync' && ref?.kind === 'segment') {
          const { conversationId } = ref;
          this.channel.post({
            kind: 'frame',
            frame: { type: 'segment', conversationId, index: frame.latestSegment },
          });
        }
      }),
      // Followers show the leader's connection: every change of it, not only of the pending count.
      shown.status.subscribe(() => this.postStatus()),
      shown.pendingTotal.subscribe(() => this.postStatus()),
    ];
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** This tab holds the socket now: the core takes over the stored outbox, and it connects. */
  async lead(start: boolean): Promise<void> {
    if (this.leader) return;
    this.leader = true;
    this.unconfirmed.clear();
    this.leaderOutbox.clear();
    await this.core.lead(this.socket);
    if (start) this.socket.start();
  }

  /** Typing: on the socket in the leader, through the leader in a follower. */
  sendAwareness(conversationId: string, payload: Uint8Array): void {
    if (!this.leader) this.channel.post({ kind: 'awareness-send', conversationId, payload });
    else if (this.socket.connected) this.socket.send({ type: 'awareness', conversationId, payload });
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  // ---- a follower -------------------------------------------------------------------------

  private handToLeader(docId: string, update: Uint8Array): void {
    const doc = this.core.doc(docId);
    if (!doc) return;
    const n = ++this.sent;
    const ids = messageIdsInUpdate(update);
    if (ids.length > 0) {
      const mine = this.unconfirmed.get(docId) ?? new Map<number, string[]>();
      mine.set(n, ids);
      this.unconfirmed.set(docId, mine);
      this.showPending(docId);
    }
    this.channel.post({ kind: 'local', docId, update, basis: basisBefore(doc, update), tab: this.tab, n });
  }

  /** The leader's outbox and this tab's own changes still on their way to it. */
  private showPending(docId: string): void {
    const told = this.leaderOutbox.get(docId) ?? { changes: 0, messageIds: [] };
    const mine = [...(this.unconfirmed.get(docId)?.values() ?? [])];
    this.core.setShared(docId, {
      changes: told.changes + mine.length,
      messageIds: [...told.messageIds, ...mine.flat()],
    });
  }

  // ---- the leader -------------------------------------------------------------------------

  private postStatus(): void {
    if (this.leader)
      this.channel.post({
        kind: 'status',
        status: this.shown.status.get(),
        pending: this.shown.pendingTotal.get(),
      });
  }

  private tellFacts(docId: string, handled?: { tab: string; n: number }): void {
    const facts = this.core.facts(docId);
    if (facts.synced && !this.toldSynced.has(docId)) {
      this.toldSynced.add(docId);
      this.channel.post({ kind: 'synced', docId });
    } else if (!facts.synced) this.toldSynced.delete(docId);
    const messageIds = [...facts.pendingMessageIds];
    const key = `${facts.pendingChanges}:${messageIds.join()}`;
    if (!handled && this.toldPending.get(docId) === key) return;
    this.toldPending.set(docId, key);
    this.channel.post({
      kind: 'pending',
      docId,
      changes: facts.pendingChanges,
      messageIds,
      ...(handled && { handled }),
    });
  }

  /** Runs `then` once the document is open and loaded here (opening it if a follower asks first). */
  private whenOpen(docId: string, then: (doc: Y.Doc) => void): void {
    const state = this.core.docState(docId);
    const doc = this.core.doc(docId);
    if (doc && state !== undefined && state !== 'loading') return then(doc);
    void this.core.open(docId).then(then);
  }

  // ---- the channel ------------------------------------------------------------------------

  private onMessage(message: TabMessage): void {
    switch (message.kind) {
      case 'local':
        if (!this.leader) return;
        return this.whenOpen(message.docId, () => {
          this.core.applyFromTab(message.docId, message.update, message.basis);
          this.tellFacts(message.docId, { tab: message.tab, n: message.n });
        });
      case 'remote':
        if (!this.leader) this.core.applyShared(message.docId, message.update);
        return;
      case 'open':
        if (!this.leader) return;
        // A tab that opens documents has just started: it learns the connection's state too.
        this.postStatus();
        return this.whenOpen(message.docId, (doc) => {
          this.channel.post({
            kind: 'remote',
            docId: message.docId,
            update: Y.encodeStateAsUpdate(doc, message.stateVector),
          });
          this.toldSynced.delete(message.docId);
          this.toldPending.delete(message.docId);
          this.tellFacts(message.docId);
        });
      case 'status':
        if (this.leader) return;
        this.leaderStatus.set(message.status);
        // After the status: a leader that is offline too changes no status, and this says it is a fact now.
        this.leaderHeard.set(true);
        this.leaderPending.set(message.pending);
        return;
      case 'synced':
        if (!this.leader) this.core.markShared(message.docId);
        return;
      case 'pending': {
        if (this.leader) return;
        this.leaderOutbox.set(message.docId, { changes: message.changes, messageIds: message.messageIds });
        const mine = this.unconfirmed.get(message.docId);
        if (mine && message.handled?.tab === this.tab)
          for (const n of [...mine.keys()]) if (n <= message.handled.n) mine.delete(n);
        return this.showPending(message.docId);
      }
      case 'awareness-send':
        if (this.leader && this.socket.connected)
          this.socket.send({
            type: 'awareness',
            conversationId: message.conversationId,
            payload: message.payload,
          });
        return;
      case 'frame':
        if (!this.leader) this.core.hear(message.frame);
        return;
    }
  }
}
