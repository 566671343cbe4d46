import {
  basisBefore,
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
  FROM_FOLLOWER_TAB,
  FROM_LEADER_TAB,
  FROM_SERVER,
  FROM_STORAGE,
  type DocState,
} from './doc-entry.ts';
import { FactsBook, type DocFacts, type SharedPending } from './facts.ts';
import { MemoryPersistence, type DocPersistence } from './persistence.ts';

export interface DocumentSyncOptions {
  persistence?: DocPersistence;
  onError?: (error: unknown) => void;
}

/** Where a change to an open document came from, for the tab layer (tabs/tab-relay.ts). */
export type ChangeOrigin = 'server' | 'local' | 'follower-tab' | 'leader-tab';

/**
 * The device's documents, the first half of the sync core: each loaded from storage before the
 * network answers, local changes queued in the outbox (kept until acked, with the basis they
 * were made against), changes shared with the other tabs applied, and what screens may know of
 * each as facts (`facts`, `onFacts`), never its entry or outbox bytes. How they meet the server
 * (subscribe, frames, resend) is the other half, `DocumentSync` (document-sync.ts).
 */
export class DeviceDocuments {
  /** Unacked local updates over all documents (a follower tab: none of its own; see the client). */
  readonly pendingTotal = new Store<number>(0);
  protected readonly docs = new Map<string, DocEntry>();
  protected readonly persistence: DocPersistence;
  /** Holds the outbox and writes what the server sends: the tab holding the socket, or a client alone. */
  protected writer = true;
  protected readonly factsBook = new FactsBook();
  /** The basis of the follower tab's change being applied (read by the update listener). */
  private followerBasis: Uint8Array | undefined;
  protected readonly events = new Listeners<[UserEvent]>();
  protected readonly refusals = new Listeners<[string, CloseReason | DenyReason]>();
  protected readonly frames = new Listeners<[ServerFrame]>();
  protected readonly replaced = new Listeners<[string, Y.Doc]>();
  protected readonly acks = new Listeners<[string, Uint8Array]>();
  private readonly changes = new Listeners<[string, Uint8Array, ChangeOrigin]>();
  protected readonly opened = new Listeners<[string, Y.Doc]>();

  constructor(protected readonly options: DocumentSyncOptions = {}) {
    this.persistence = options.persistence ?? new MemoryPersistence();
  }

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
      this.loaded(created);
      this.opened.emit(docId, created.doc);
    }
    await entry.loaded;
    return entry.doc;
  }

  protected newEntry(docId: string): DocEntry {
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
    this.unsubscribe(docId);
    void entry.flushed().then(() => entry.doc.destroy());
  }

  /** Stops for good: waits for the storage writes, then lets every document go. */
  async stop(): Promise<void> {
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

  protected recomputeFacts(docId: string): void {
    const entry = this.docs.get(docId);
    if (entry) this.factsBook.recompute(entry, this.writer);
  }

  protected setState(entry: DocEntry, state: DocState): void {
    if (entry.state === state) return;
    entry.state = state;
    this.recomputeFacts(entry.docId);
  }

  // ---- local changes --------------------------------------------------------------------

  protected watch(entry: DocEntry): void {
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
    this.queued(entry, ref, update);
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

  // ---- what the protocol side adds (document-sync.ts) -------------------------------------

  /** A document finished loading from storage and is watched. */
  protected loaded(_entry: DocEntry): void {}

  /** A local change is in the outbox as `ref`. */
  protected queued(_entry: DocEntry, _ref: number, _update: Uint8Array): void {}

  /** A document was closed. */
  protected unsubscribe(_docId: string): void {}

  protected updatePending(): void {
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
}
