import { parseDocId, segmentOf, type DocRef } from '@messenjo/shared';
import * as Y from 'yjs';
import { fullPage, LOG_PAGE, type DocStore, type StoredDoc } from '../store/doc-store.ts';
import { CommittedOrder } from './committed-order.ts';
import { RecentUpdateIds } from './recent-update-ids.ts';

/**
 * A document held in memory while devices use it: the Y.Doc every incoming update is validated
 * against (gc off, so a deleted entry still tells who owned it), its head sequence number and
 * who owns which Yjs client id. Dropped when idle; the store is the truth.
 */
export class LiveDoc {
  /**
   * Named by its document id: an unnamed Y.Doc draws a random guid (~30 `getRandomValues` calls,
   * ~0.27 ms), a quarter of the time 100 groups took to wake at once in W2.
   */
  readonly doc: Y.Doc;
  /** Committed updates taken in sequence order (`head`: every one through it is in the document). */
  order = new CommittedOrder(0);
  /** Sequence number the stored snapshot covers. */
  snapshotSeq = 0;
  /** Own updates applied but not yet committed (the store numbers them when it commits). */
  pending = 0;
  /** Updates applied since loading (own, pending or not, and other processes'): the document's version. */
  changes = 0;
  /** A gap in the committed numbers is being read from the store. */
  fillingGap = false;
  /** Messages whose authors are known (other processes' updates add some without a validation). */
  private knownMessages = 0;
  /** Message id → author, for the ownership checks of keyed entries. */
  readonly messageAuthors = new Map<string, string>();
  /** SEQ4: the update ids this process applied to the document lately (committing or committed). */
  readonly recentUpdateIds = new RecentUpdateIds();

  private constructor(
    readonly docId: string,
    readonly ref: DocRef,
    readonly clients: Map<number, string>,
  ) {
    this.doc = new Y.Doc({ gc: false, guid: docId });
  }

  /**
   * The document as stored, its log read a page at a time (SUB4): a long log is never in memory
   * whole, only the document it builds. A compaction between two pages starts the read over.
   */
  static async load(docId: string, store: DocStore): Promise<LiveDoc> {
    for (;;) {
      const stored = await store.load(docId, LOG_PAGE);
      const live = LiveDoc.fromStored(docId, stored);
      if (!fullPage(stored.log, LOG_PAGE) || (await live.readRest(store))) return live;
    }
  }

  /** The log's pages after the first, applied in order; false when compaction removed some meanwhile. */
  private async readRest(store: DocStore): Promise<boolean> {
    for (;;) {
      const page = await store.logAfter(this.docId, this.head, LOG_PAGE);
      if (page === null) return false;
      const last = page.at(-1);
      if (!last) return true;
      this.doc.transact(() => {
        for (const entry of page) Y.applyUpdate(this.doc, entry.data);
      });
      this.order = new CommittedOrder(last.seq);
      this.learnMessageAuthors();
      if (!fullPage(page, LOG_PAGE)) return true;
    }
  }

  /** The document as stored: its snapshot, then the log after it. */
  static fromStored(docId: string, stored: StoredDoc): LiveDoc {
    const ref = parseDocId(docId);
    if (!ref) throw new Error(`not a document id: ${docId}`);
    const live = new LiveDoc(docId, ref, stored.clients);
    live.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(live.doc, stored.snapshot.data);
      for (const entry of stored.log) Y.applyUpdate(live.doc, entry.data);
    });
    live.snapshotSeq = stored.snapshot?.seq ?? 0;
    live.order = new CommittedOrder(stored.log.at(-1)?.seq ?? live.snapshotSeq);
    live.learnMessageAuthors();
    return live;
  }

  /** Every committed update through this sequence number is in the document. */
  get head(): number {
    return this.order.head;
  }

  /**
   * After an update that was not validated here (another process's): the authors of messages
   * it added, for the ownership checks of later keyed entries.
   */
  learnMessageAuthors(): void {
    if (this.ref.kind !== 'segment') return;
    const { messages } = segmentOf(this.doc);
    if (messages.length === this.knownMessages) return;
    for (const entry of messages.toArray()) {
      if (!this.messageAuthors.has(entry.id)) this.messageAuthors.set(entry.id, entry.author);
    }
    this.knownMessages = messages.length;
  }

  private full: { changes: number; update: Uint8Array } | undefined;

  /**
   * The whole document as one update, encoded once per version: when a conversation rolls over to
   * a new segment every subscribed device asks for it from nothing within moments, and all of
   * them get the same bytes instead of one encoding each.
   */
  fullUpdate(): Uint8Array {
    if (this.full?.changes !== this.changes)
      this.full = { changes: this.changes, update: Y.encodeStateAsUpdate(this.doc) };
    return this.full.update;
  }

  messageCount(): number {
    return this.ref.kind === 'segment' ? segmentOf(this.doc).messages.length : 0;
  }
}
