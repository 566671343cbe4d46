import {
  segmentDocId,
  segmentOf,
  type DeletionEntry,
  type EditEntry,
  type MessageEntry,
  type ReadPosition,
} from '@messenjo/shared';
import type * as Y from 'yjs';
import type { ConversationSegments } from '../../sync/index.ts';
import type { IndexedMessage } from '../local-index/schema.ts';
import {
  countUnread,
  lastMessageOf,
  newestMessages,
  sameTail,
  type LocalColumns,
  type SegmentMessages,
  type TailMessage,
} from './list-columns.ts';

export interface WatchContext {
  me: string;
  /** Unacked local changes of a document (its facts). */
  pendingOf(docId: string): number;
  readPosition(conversationId: string): ReadPosition | undefined;
  nameOf: (userId: string) => string;
  /** The list's columns changed (called synchronously inside the document's update: same frame). */
  onColumns(conversationId: string, columns: LocalColumns): void;
  /** The newest messages changed (kept for the first paint of a start on this conversation). */
  onTail(conversationId: string, tail: TailMessage[]): void;
  /** Messages appended to an open segment (from anywhere), as they arrive. */
  onAdded(conversationId: string, messages: MessageEntry[]): void;
  /**
   * Messages to add to (or refresh in) the search index and ids to remove from it; `length` is
   * how many messages of `docId` are indexed now.
   */
  onIndex(docId: string, length: number, put: IndexedMessage[], removed: string[]): void;
  /** How many messages of a segment an earlier run indexed already. */
  indexedLength(docId: string): Promise<number>;
  /**
   * Unread messages of the conversation in segments below `below` (none of them open), from the
   * message index: the part of the count the open documents cannot give.
   */
  countIndexed(conversationId: string, position: ReadPosition | undefined, below: number): Promise<number>;
}

interface Watched {
  index: number;
  doc: Y.Doc;
  dispose: () => void;
}

/**
 * Keeps one conversation's list columns (last message, unread count, pending marker) current
 * from its open segment documents: every update, from the server, another tab or this device,
 * recomputes them before the update returns, so the list repaints in the same frame with no
 * request. New, edited and deleted messages go to the search index.
 */
export class ConversationWatch {
  private readonly watched = new Map<string, Watched>();
  private readonly disposeSegments: () => void;
  private last: LocalColumns | null = null;
  private lastTail: TailMessage[] = [];
  /** The unread count below the open segments, for one read position and lowest open segment. */
  private older: { key: string; count: number } | null = null;
  private olderAsked: string | null = null;
  private disposed = false;

  constructor(
    readonly segments: ConversationSegments,
    private readonly ctx: WatchContext,
  ) {
    this.disposeSegments = segments.subscribe(() => this.rescan());
  }

  get conversationId(): string {
    return this.segments.conversationId;
  }

  get columns(): LocalColumns | null {
    return this.last;
  }

  /** Follows the segments open now: new ones are observed, closed or replaced ones let go. */
  rescan(): void {
    const open = new Map(
      this.segments.segments().map((s) => [segmentDocId(this.conversationId, s.index), s]),
    );
    for (const [docId, w] of this.watched) {
      if (open.get(docId)?.doc === w.doc) continue;
      w.dispose();
      this.watched.delete(docId);
    }
    for (const [docId, { index, doc }] of open) {
      if (this.watched.has(docId)) continue;
      this.watched.set(docId, { index, doc, dispose: this.observe(docId, doc) });
      this.indexNew(docId, doc);
    }
    this.recompute();
  }

  private observe(docId: string, doc: Y.Doc): () => void {
    const { messages, edits, deletions } = segmentOf(doc);
    const onUpdate = (): void => this.recompute();
    const onMessages = (event: Y.YArrayEvent<MessageEntry>): void => {
      const added = event.changes.added;
      const put: MessageEntry[] = [];
      for (const item of added) put.push(...(item.content.getContent() as MessageEntry[]));
      if (put.length > 0) this.ctx.onAdded(this.conversationId, put);
      this.index(docId, doc, put, []);
    };
    const onEdits = (event: Y.YMapEvent<EditEntry>): void => {
      const ids = [...(event.keysChanged as Set<string>)];
      this.index(
        docId,
        doc,
        messages.toArray().filter((m) => ids.includes(m.id)),
        [],
      );
    };
    const onDeletions = (event: Y.YMapEvent<DeletionEntry>): void =>
      this.index(
        docId,
        doc,
        [],
        [...(event.keysChanged as Set<string>)].filter((id) => deletions.has(id)),
      );
    // afterTransaction: once per transaction, with the change applied (no matter where it came from).
    doc.on('afterTransaction', onUpdate);
    messages.observe(onMessages);
    edits.observe(onEdits);
    deletions.observe(onDeletions);
    return () => {
      doc.off('afterTransaction', onUpdate);
      messages.unobserve(onMessages);
      edits.unobserve(onEdits);
      deletions.unobserve(onDeletions);
    };
  }

  /** Indexes what an earlier run did not (the messages past the indexed length), once loaded. */
  private indexNew(docId: string, doc: Y.Doc): void {
    void this.ctx.indexedLength(docId).then((length) => {
      if (this.watched.get(docId)?.doc !== doc) return;
      const { messages } = segmentOf(doc);
      if (messages.length > length) this.index(docId, doc, messages.slice(length), []);
    });
  }

  private index(docId: string, doc: Y.Doc, entries: MessageEntry[], removed: string[]): void {
    if (entries.length === 0 && removed.length === 0) return;
    const { messages, edits, deletions } = segmentOf(doc);
    const segment = this.watched.get(docId)?.index;
    // Where each sits in its segment, so unread counts can come from the index (countUnreadIndexed).
    const wanted = new Set(entries.map((m) => m.id));
    const places = new Map<string, number>();
    if (wanted.size > 0) {
      const all = messages.toArray();
      for (let i = 0; i < all.length; i++) if (wanted.has(all[i]!.id)) places.set(all[i]!.id, i);
    }
    const put = entries
      .filter((m) => !deletions.has(m.id))
      .map((m) => ({
        id: m.id,
        conversationId: this.conversationId,
        author: m.author,
        text: edits.get(m.id)?.text ?? m.text,
        sentAt: m.sentAt,
        ...(segment !== undefined && places.has(m.id) ? { segment, pos: places.get(m.id)! } : {}),
      }));
    this.ctx.onIndex(docId, messages.length, put, [
      ...removed,
      ...entries.filter((m) => deletions.has(m.id)).map((m) => m.id),
    ]);
  }

  /** Only the pending marker (after an ack or a local change): no need to read the messages. */
  refreshPending(): void {
    if (!this.last) return;
    let pending = 0;
    for (const docId of this.watched.keys()) pending += this.ctx.pendingOf(docId);
    if (pending === this.last.pending) return;
    this.last = { ...this.last, pending };
    this.ctx.onColumns(this.conversationId, this.last);
  }

  /** Recomputes the columns and reports them when they changed. */
  recompute(): void {
    const position = this.ctx.readPosition(this.conversationId);
    const loaded: SegmentMessages[] = [];
    let pending = 0;
    const newest = Math.max(-1, ...[...this.watched.values()].map((w) => w.index));
    for (const [docId, w] of this.watched) {
      pending += this.ctx.pendingOf(docId);
      // Older segments than the read one are read; the newest two hold the last message.
      if (position && w.index < position.segment && w.index < newest - 1) continue;
      const { messages, edits, deletions } = segmentOf(w.doc);
      loaded.push({ index: w.index, messages: messages.toArray(), edits, deletions });
    }
    if (this.watched.size === 0) return;
    const tail = newestMessages(loaded);
    if (!sameTail(tail, this.lastTail)) {
      this.lastTail = tail;
      this.ctx.onTail(this.conversationId, tail);
    }
    const next: LocalColumns = {
      lastMessage: lastMessageOf(loaded, this.ctx.nameOf),
      unread: countUnread(loaded, position, this.ctx.me) + this.olderUnread(position),
      pending,
    };
    if (this.last && sameColumns(this.last, next)) return;
    this.last = next;
    this.ctx.onColumns(this.conversationId, next);
  }

  /**
   * Unread messages in segments older than every open one (the read position lies there, or
   * there is none): counted from the message index, asked once per position and lowest open
   * segment; 0 until the answer is here, then the columns are computed again.
   */
  private olderUnread(position: ReadPosition | undefined): number {
    const lowest = Math.min(...[...this.watched.values()].map((w) => w.index));
    if (lowest <= 0 || (position && position.segment >= lowest)) return 0;
    const key = `${position?.segment}:${position?.messageId}:${lowest}`;
    if (this.older?.key === key) return this.older.count;
    if (this.olderAsked !== key) {
      this.olderAsked = key;
      this.ctx.countIndexed(this.conversationId, position, lowest).then(
        (count) => {
          if (this.disposed || this.olderAsked !== key) return;
          this.older = { key, count };
          this.recompute();
        },
        () => undefined,
      );
    }
    return 0;
  }

  dispose(): void {
    this.disposed = true;
    this.disposeSegments();
    for (const w of this.watched.values()) w.dispose();
    this.watched.clear();
    this.segments.close();
  }
}

function sameColumns(a: LocalColumns, b: LocalColumns): boolean {
  const x = a.lastMessage;
  const y = b.lastMessage;
  return (
    a.unread === b.unread &&
    a.pending === b.pending &&
    (x === y || (x !== null && y !== null && x.id === y.id && x.preview === y.preview && x.at === y.at))
  );
}
