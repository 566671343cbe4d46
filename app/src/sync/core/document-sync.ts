import {
  basisBefore,
  CLOSE_CODES,
  closeReasonOf,
  parseDocId,
  type CloseReason,
  type DenyReason,
  type ServerFrame,
  type UserEvent,
} from '@messenjo/shared';
import * as Y from 'yjs';
import { Listeners } from '../../lib/listeners.ts';
import { Store } from '../../lib/store.ts';
import {
  DocEntry,
  FactsBook,
  FROM_FOLLOWER_TAB,
  FROM_LEADER_TAB,
  FROM_SERVER,
  FROM_STORAGE,
  type DocFacts,
  type DocState,
  type SharedPending,
} from './doc-entry.ts';
import { MemoryPersistence, type DocPersistence } from './persistence.ts';
import { reapply } from './rebase.ts';
import type { Upstream } from './upstream.ts';

export interface DocumentSyncOptions {
  persistence?: DocPersistence;
  onError?: (error: unknown) => void;
}

/** Where a change to an open document came from, for the tab layer (tabs/tab-relay.ts). */
export type ChangeOrigin = 'server' | 'local' | 'follower-tab' | 'leader-tab';

/**
 * The core of the sync client: the device's documents and how they meet the server. Each
 * document is loaded from storage before the network answers (its entry, outbox and facts are
 * doc-entry.ts); local changes are queued in the outbox (kept until acked, with the basis they
 * were made against) and go out in the protocol's document frames (subscribe, sync, update,
 * head, ack, denied, rejected) through an `Upstream`: resent in order after a reconnect (UP5),
 * what the server could not take yet sent again when more arrives (VAL6, SEG1), segments the
 * server made this socket follow opened (SEG2), a refused document rebuilt (UP2). Screens know
 * each document only as facts (`facts`, `onFacts`), never its entry or outbox bytes. It knows no
 * socket lifecycle (socket/) and no tabs (tabs/): a tab that does not hold the socket runs it as
 * a follower, whose changes the tab layer carries to the tab that does.
 */
export class DocumentSync {
  /** Unacked local updates over all documents (a follower tab: none of its own; see the client). */
  readonly pendingTotal = new Store<number>(0);
  private readonly docs = new Map<string, DocEntry>();
  private readonly persistence: DocPersistence;
  /** Holds the outbox and writes what the server sends: the tab holding the socket, or a client alone. */
  private writer = true;
  private readonly factsBook = new FactsBook();
  /** The basis of the follower tab's change being applied (read by the update listener). */
  private followerBasis: Uint8Array | undefined;
  private readonly events = new Listeners<[UserEvent]>();
  private readonly refusals = new Listeners<[string, CloseReason | DenyReason]>();
  private readonly frames = new Listeners<[ServerFrame]>();
  private readonly replaced = new Listeners<[string, Y.Doc]>();
  private readonly acks = new Listeners<[string, Uint8Array]>();
  private readonly changes = new Listeners<[string, Uint8Array, ChangeOrigin]>();
  private readonly opened = new Listeners<[string, Y.Doc]>();

  constructor(private readonly options: DocumentSyncOptions = {}) {
    this.persistence = options.persistence ?? new MemoryPersistence();
  }

  private upstream: Upstream | null = null;
  private stopHearing = (): void => {};
  /**
   * Segments the server subscribed this socket to (SEG2) that are still loading from storage:
   * the connection they came on and their frames, applied in order once loaded.
   */
  private readonly following = new Map<string, { epoch: number; frames: ServerFrame[] }>();

  // ---- documents ------------------------------------------------------------------------

  /** Opens a document: local state first (storage), then the server's. Resolves once loaded locally. */
  async open(docId: string): Promise<Y.Doc> {
    let entry = this.docs.get(docId);
    if (!entry) {
      entry = this.newEntry(docId);
      const created = entry;
      await entry.loaded;
      this.watch(created);
      this.updatePending();
      this.recomputeFacts(docId);
      if (this.writer) this.settle(created);
      this.opened.emit(docId, created.doc);
    }
    await entry.loaded;
    return entry.doc;
  }

  private newEntry(docId: string): DocEntry {
    const entry = new DocEntry(docId, this.persistence, (error) => this.options.onError?.(error));
    this.docs.set(docId, entry);
    return entry;
  }

  /** The open document, if any (it is replaced after the server refuses it: see onDocReplaced). */
  doc(docId: string): Y.Doc | undefined {
    return this.docs.get(docId)?.doc;
  }

  isOpen(docId: string): boolean {
    return this.docs.has(docId);
  }

  /** Where a document stands with the server (tests and the tab layer; screens read `facts`). */
  docState(docId: string): DocState | undefined {
    return this.docs.get(docId)?.state;
  }

  /** How far the document has the server's log (its sequence number; 0: never synced here). */
  seqOf(docId: string): number {
    return this.docs.get(docId)?.seq ?? 0;
  }

  /** Unacked local changes of a document, or of all when `docId` is absent. */
  pending(docId?: string): number {
    if (docId === undefined) return this.pendingTotal.get();
    return this.facts(docId).pendingChanges;
  }

  /** Ids of the open segments of a conversation. */
  openSegments(conversationId: string): number[] {
    return [...this.docs.keys()].flatMap((docId) => {
      const ref = parseDocId(docId);
      return ref?.kind === 'segment' && ref.conversationId === conversationId ? [ref.index] : [];
    });
  }

  /** Whether an open, loaded document is in one of `states` (how the client tells "syncing"). */
  hasDocIn(states: readonly DocState[]): boolean {
    for (const entry of this.docs.values()) if (states.includes(entry.state)) return true;
    return false;
  }

  close(docId: string): void {
    const entry = this.docs.get(docId);
    if (!entry) return;
    this.docs.delete(docId);
    this.factsBook.forget(docId);
    this.send({ type: 'unsubscribe', docIds: [docId] });
    void entry.flushed().then(() => entry.doc.destroy());
  }

  /** Stops for good: waits for the storage writes, then lets every document go. */
  async stop(): Promise<void> {
    this.stopHearing();
    this.upstream = null;
    await Promise.all([...this.docs.values()].map((entry) => entry.flushed()));
    for (const entry of this.docs.values()) entry.doc.destroy();
    this.docs.clear();
  }

  // ---- facts ----------------------------------------------------------------------------

  /** What screens may know of a document (the same object until something in it changes). */
  facts(docId: string): DocFacts {
    return this.factsBook.get(docId);
  }

  /** A document's facts changed (its id); read them with `facts`. */
  onFacts(listener: (docId: string) => void): () => void {
    return this.factsBook.onChange(listener);
  }

  /** A follower tab: the leader's outbox facts for a document (with this tab's own changes not yet confirmed). */
  setShared(docId: string, pending: SharedPending): void {
    this.factsBook.share(docId, pending);
    this.recomputeFacts(docId);
  }

  private recomputeFacts(docId: string): void {
    const entry = this.docs.get(docId);
    if (entry) this.factsBook.recompute(entry, this.writer);
  }

  private setState(entry: DocEntry, state: DocState): void {
    if (entry.state === state) return;
    entry.state = state;
    this.recomputeFacts(entry.docId);
  }

  // ---- local changes --------------------------------------------------------------------

  private watch(entry: DocEntry): void {
    const doc = entry.doc;
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_STORAGE || this.docs.get(entry.docId) !== entry || entry.doc !== doc) return;
      const from: ChangeOrigin =
        origin === FROM_SERVER
          ? 'server'
          : origin === FROM_LEADER_TAB
            ? 'leader-tab'
            : origin === FROM_FOLLOWER_TAB
              ? 'follower-tab'
              : 'local';
      if (this.writer) {
        if (from === 'server') entry.persist((p) => p.appendUpdate(entry.docId, update));
        // POS2: the basis is what the tab that made the change had seen.
        if (from === 'local' || from === 'follower-tab')
          this.queueLocal(entry, update, this.followerBasis ?? basisBefore(doc, update));
      } else if (from === 'local') {
        // The tab holding the socket stores and queues it too; stored here as well, so a reload
        // of this tab before it is heard finds it.
        entry.persist((p) => p.appendUpdate(entry.docId, update));
      }
      this.changes.emit(entry.docId, update, from);
    });
  }

  /** UP1: every local change gets a ref, is stored with it, and goes out at once when synced. */
  private queueLocal(entry: DocEntry, update: Uint8Array, basis: Uint8Array): void {
    const ref = entry.queue(update, basis);
    this.updatePending();
    this.recomputeFacts(entry.docId);
    if (entry.state === 'synced') this.sendUpdate(entry, ref, update);
  }

  /** The tab holding the socket: a follower tab's change, made against `basis` (POS2) there. */
  applyFromTab(docId: string, update: Uint8Array, basis: Uint8Array | undefined): void {
    const entry = this.docs.get(docId);
    if (!this.writer || !entry || entry.state === 'loading') return;
    this.followerBasis = basis;
    try {
      Y.applyUpdate(entry.doc, update, FROM_FOLLOWER_TAB);
    } finally {
      this.followerBasis = undefined;
    }
  }

  /** A follower tab: a change the tab holding the socket has (from the server or any tab). */
  applyShared(docId: string, update: Uint8Array): void {
    const entry = this.docs.get(docId);
    if (!this.writer && entry) Y.applyUpdate(entry.doc, update, FROM_LEADER_TAB);
  }

  /** A follower tab: the tab holding the socket has the server's state of the document. */
  markShared(docId: string): void {
    const entry = this.docs.get(docId);
    if (!this.writer && entry && entry.state !== 'loading') this.setState(entry, 'synced');
  }

  private updatePending(): void {
    if (!this.writer) return;
    let total = 0;
    for (const entry of this.docs.values()) total += entry.outbox.size;
    this.pendingTotal.set(total);
  }

  // ---- listeners ------------------------------------------------------------------------

  /**
   * The server refused this device's changes to a document, or the device can no longer send
   * the changes it holds (membership ended while away): the person should be told why.
   */
  onRefused(listener: (docId: string, reason: CloseReason | DenyReason) => void): () => void {
    return this.refusals.add(listener);
  }

  onEvent(listener: (event: UserEvent) => void): () => void {
    return this.events.add(listener);
  }

  onFrameReceived(listener: (frame: ServerFrame) => void): () => void {
    return this.frames.add(listener);
  }

  /** A local update is stored by the server (the "sent" tick of the messages in it). */
  onAck(listener: (docId: string, update: Uint8Array) => void): () => void {
    return this.acks.add(listener);
  }

  /** After the server refused a document, its Y.Doc is replaced by a fresh one. */
  onDocReplaced(listener: (docId: string, doc: Y.Doc) => void): () => void {
    return this.replaced.add(listener);
  }

  /** Every change to an open document, with where it came from (the tab layer shares them). */
  onChange(listener: (docId: string, update: Uint8Array, origin: ChangeOrigin) => void): () => void {
    return this.changes.add(listener);
  }

  /** A document finished loading from storage and is open (the tab layer asks the leader for it). */
  onOpened(listener: (docId: string, doc: Y.Doc) => void): () => void {
    return this.opened.add(listener);
  }
  // ---- the way out ----------------------------------------------------------------------

  /** Frames go out through `upstream` (this tab holds the socket); subscribes once it is connected. */
  attach(upstream: Upstream): void {
    this.stopHearing();
    this.upstream = upstream;
    this.stopHearing = upstream.onFrame((frame) => this.receive(frame));
    if (upstream.connected) this.connected();
  }

  /** Follows the tab holding the socket: changes go to it (tabs/), nothing is written but local changes. */
  follow(): void {
    this.writer = false;
    this.stopHearing();
    this.upstream = null;
  }

  /** This tab holds the socket now: takes over the stored outbox and subscribes on `upstream`. */
  async lead(upstream: Upstream): Promise<void> {
    if (this.writer && this.upstream === upstream) return;
    this.writer = true;
    this.factsBook.forgetShared();
    for (const entry of this.docs.values()) {
      // "Synced" through the old leader: this tab subscribes on its own socket now.
      if (entry.state === 'synced') entry.state = 'idle';
      entry.adoptOutbox((await this.persistence.load(entry.docId)).outbox);
    }
    this.updatePending();
    for (const docId of this.docs.keys()) this.recomputeFacts(docId);
    this.attach(upstream);
  }

  /** The server answered hello: every document is subscribed again. */
  connected(): void {
    this.subscribe([...this.docs.values()]);
  }

  /** The connection ended: nothing is subscribed any more. */
  disconnected(): void {
    for (const entry of this.docs.values())
      if (entry.state === 'subscribing' || entry.state === 'synced') this.setState(entry, 'idle');
  }

  private send(...frames: Parameters<Upstream['send']>): void {
    if (this.upstream?.connected) this.upstream.send(...frames);
  }

  private sendUpdate(entry: DocEntry, ref: number, update: Uint8Array): void {
    this.send({
      type: 'update',
      docId: entry.docId,
      ref,
      update,
      basis: entry.bases.get(ref),
      updateId: entry.updateIds.get(ref),
    });
  }

  private subscribe(entries: DocEntry[]): void {
    if (!this.writer || !this.upstream?.connected) return;
    const ready = entries.filter((e) => e.state === 'idle');
    if (ready.length === 0) return;
    for (const entry of ready) this.setState(entry, 'subscribing');
    this.send({
      type: 'subscribe',
      docs: ready.map((e) => ({ docId: e.docId, seq: e.seq, stateVector: Y.encodeStateVector(e.doc) })),
    });
  }

  // ---- frames ---------------------------------------------------------------------------

  /** A frame from the server (this tab holds the socket). */
  private receive(frame: ServerFrame): void {
    // SEG2: before the listeners, which may open the same segment (they then get this entry).
    if (frame.type === 'sync') this.noteFollowed(frame.docId);
    this.frames.emit(frame);
    const followed = 'docId' in frame ? this.following.get(frame.docId) : undefined;
    if (followed) followed.frames.push(frame);
    else this.handleFrame(frame);
  }

  /** A frame the tab holding the socket passed on (typing, a new segment, a user event). */
  hear(frame: Extract<ServerFrame, { type: 'awareness' | 'segment' | 'event' }>): void {
    this.frames.emit(frame);
    if (frame.type === 'event') this.events.emit(frame.event);
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
    this.following.set(docId, { epoch: this.upstream?.epoch ?? -1, frames: [] });
    if (open) return; // open() is loading it and settles it
    const entry = this.newEntry(docId);
    void entry.loaded.then(() => {
      if (this.docs.get(docId) !== entry) return void this.following.delete(docId); // closed meanwhile
      this.watch(entry);
      this.updatePending();
      this.recomputeFacts(docId);
      this.settle(entry);
      this.opened.emit(docId, entry.doc);
    });
  }

  /**
   * A document is loaded from storage: the server's frames for it that arrived meanwhile are
   * applied (SEG2), or, when there were none or the connection changed since, it is subscribed.
   */
  private settle(entry: DocEntry): void {
    const followed = this.following.get(entry.docId);
    this.following.delete(entry.docId);
    const upstream = this.upstream;
    if (!followed || !upstream?.connected || followed.epoch !== upstream.epoch)
      return this.subscribe([entry]);
    this.setState(entry, 'subscribing');
    for (const frame of followed.frames) this.handleFrame(frame);
  }

  private handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'hello':
        return;
      case 'sync': {
        const entry = this.docs.get(frame.docId);
        if (!entry) return;
        Y.applyUpdate(entry.doc, frame.update, FROM_SERVER);
        this.setSeq(entry, frame.seq);
        entry.markSynced();
        this.factsBook.setRefused(entry.docId, null);
        this.setState(entry, 'synced');
        // UP5: whatever was not acked goes out again, in the order it was made.
        for (const [ref, update] of entry.outbox) this.sendUpdate(entry, ref, update);
        // After a refusal: what the later changes did is made again, after the server's state (a new update).
        const carried = entry.takeCarried();
        if (carried) reapply(entry.doc, entry.docId, carried);
        return;
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
        const update = entry?.acked(frame.ref);
        if (!entry || !update) return;
        this.acks.emit(entry.docId, update);
        if (frame.seq > 0) this.setSeq(entry, frame.seq);
        this.updatePending();
        return this.recomputeFacts(entry.docId);
      }
      case 'denied': {
        const entry = this.docs.get(frame.docId);
        if (!entry) return;
        // Changes made while away (e.g. removed from a group while offline) can never be sent: say so.
        if (entry.outbox.size > 0) this.refused(entry.docId, frame.reason);
        return this.setState(entry, 'denied');
      }
      case 'rejected':
        return this.rejected(frame);
      case 'event':
        return this.events.emit(frame.event);
      case 'segment':
      case 'awareness':
        return; // for the listeners only (typing, ConversationSegments)
    }
  }

  private rejected(frame: Extract<ServerFrame, { type: 'rejected' }>): void {
    const entry = this.docs.get(frame.docId);
    const reason = closeReasonOf(frame.code);
    if (entry && reason === 'update_missing_dependency') {
      entry.deferred = true; // sent again once the server has more of the document
      return;
    }
    if (!entry || !reason || !CLOSE_CODES[reason].discardDoc) return;
    this.refused(entry.docId, reason);
    // A read-only conversation refuses every queued change, not just this one: drop them all.
    // Otherwise only the refused change is lost: the later ones are made again (doc-entry.ts).
    const readOnly = reason === 'update_not_writable';
    const doc = entry.reset(readOnly ? 0 : frame.ref, !readOnly);
    this.watch(entry);
    entry.state = 'idle';
    this.updatePending();
    this.recomputeFacts(entry.docId);
    this.replaced.emit(entry.docId, doc);
  }

  private refused(docId: string, reason: CloseReason | DenyReason): void {
    this.factsBook.setRefused(docId, reason);
    this.refusals.emit(docId, reason);
    this.recomputeFacts(docId);
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
    if (entry.advance(seq)) this.recomputeFacts(entry.docId);
  }
}

function conversationOf(docId: string): string | null {
  const ref = parseDocId(docId);
  return ref?.kind === 'segment' ? ref.conversationId : null;
}
