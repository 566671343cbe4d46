import {
  userDocOf,
  type ConversationListEntry,
  type MessageEntry,
  type ReadPosition,
} from '@messenjo/shared';
import type * as Y from 'yjs';
import { Listeners } from '../../lib/listeners.ts';
import { Store } from '../../lib/store.ts';
import { ConversationSegments, type DocPersistence, type SyncClient } from '../../sync/index.ts';
import type { IndexedMessage } from '../local-index/schema.ts';
import type { LocalIndex } from '../local-index/local-index.ts';
import { ConversationWatch } from './conversation-watch.ts';
import { orderConversations, unreadTotal, type ConversationRow, type LocalColumns } from './list-columns.ts';

/** The stores the list publishes into (the session's, which screens read from the first paint on). */
export interface ListStores {
  rows: Store<readonly ConversationRow[]>;
  ready: Store<boolean>;
  unreadTotal: Store<number>;
  unsentMessages: Store<number>;
}

export interface ConversationListOptions {
  client: SyncClient;
  stores?: ListStores;
  me: string;
  index: LocalIndex;
  /** The documents' storage, so the newest known segment of each conversation survives a reload. */
  persistence?: DocPersistence;
  nameOf: (userId: string) => string;
}

/**
 * How many conversations' newest segments open together after the list painted: each one is a
 * Yjs decode of a few ms, so a few per idle slot keep the first paint and an opened chat ahead.
 */
const OPEN_BATCH = 6;

/** Runs `run` when the page is idle (after the next paint), else soon; returns a cancel. */
function whenIdle(run: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(run, { timeout: 100 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(run, 0);
  return () => clearTimeout(handle);
}

/**
 * The conversation list of one user on this device: the rows (the server's entry plus the
 * columns the device computes), painted from the index, then kept live from the documents: the
 * newest segment of every listed conversation stays open, so a message updates its row
 * (preview, time, unread badge, pending marker) in the same frame, without a request. It owns
 * each conversation's `ConversationSegments` (the open pane uses the same instance).
 */
export class ConversationList {
  /** Latest activity first. */
  readonly rows: Store<readonly ConversationRow[]>;
  /** False until the device's index has been read (then the list paints, even offline). */
  readonly ready: Store<boolean>;
  readonly unreadTotal: Store<number>;
  /** Local changes to conversations not yet stored by the server (messages, mostly). */
  readonly unsentMessages: Store<number>;
  /** Messages sent and shown, waiting for their conversation to catch up before they are written. */
  readonly waitingWrites = new Store(0);

  private readonly byId = new Map<string, ConversationRow>();
  private readonly watches = new Map<string, ConversationWatch>();
  private readonly segmentsById = new Map<string, ConversationSegments>();
  /** Conversations waiting for their newest segment to be opened, in list order. */
  private readonly toWatch = new Set<string>();
  /** Conversations of the batch opening now: their rows publish once, when the batch is done. */
  private readonly opening = new Set<string>();
  private cancelWatchBatch: (() => void) | null = null;
  private publishQueued = false;
  private userDoc: Y.Doc | null = null;
  private stopObservingUser = (): void => {};
  private readonly added = new Listeners<[string, MessageEntry[]]>();
  private readonly indexed = new Listeners<[string, IndexedMessage[], string[]]>();
  private readonly stopFacts: () => void;
  private disposed = false;

  constructor(private readonly options: ConversationListOptions) {
    ({
      rows: this.rows,
      ready: this.ready,
      unreadTotal: this.unreadTotal,
      unsentMessages: this.unsentMessages,
    } = options.stores ?? {
      rows: new Store<readonly ConversationRow[]>([]),
      ready: new Store(false),
      unreadTotal: new Store(0),
      unsentMessages: new Store(0),
    });
    // The pending marker follows the outbox: a send, an ack.
    this.stopFacts = options.client.onFacts((docId) => {
      const id = docId.startsWith('conv:') ? docId.split(':')[1] : undefined;
      if (id) this.watches.get(id)?.refreshPending();
    });
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  kindOf(id: string): ConversationRow['kind'] | undefined {
    return this.byId.get(id)?.kind;
  }

  /** Whether the conversation's newest segment is held open (its messages arrive in the document). */
  isLive(id: string): boolean {
    return this.watches.has(id);
  }

  /** The rows the device's index held; what the server said meanwhile (a fast first fill) is newer. */
  showFromDevice(rows: readonly ConversationRow[]): void {
    for (const row of rows) if (!this.byId.has(row.id)) this.byId.set(row.id, row);
    // A conversation opened first (openFirst) may have computed its columns before its row was here.
    for (const watch of this.watches.values()) watch.recompute();
    this.publish();
    this.ready.set(true);
    this.watchSoon(this.rows.get().map((row) => row.id));
  }

  /** The server's list: rows added, refreshed or gone (a conversation this user no longer has). */
  showFromServer(entries: readonly ConversationListEntry[]): void {
    const listed = new Set(entries.map((e) => e.id));
    for (const id of [...this.byId.keys()]) {
      if (listed.has(id)) continue;
      this.byId.delete(id);
      this.unwatch(id);
      this.options.index.rowChanged(id, null);
      this.options.index.tailChanged(id, null);
      this.options.index.forgetDetail(id);
    }
    for (const entry of entries) {
      const row = { ...entry, local: this.byId.get(entry.id)?.local ?? null };
      this.byId.set(entry.id, row);
      this.options.index.rowChanged(entry.id, row);
    }
    this.watchSoon(orderConversations([...this.byId.values()]).map((row) => row.id));
    this.publish();
    this.ready.set(true);
  }

  /** Computes a conversation's columns again (its members' names changed). */
  recompute(id: string): void {
    this.watches.get(id)?.recompute();
  }

  /**
   * The conversation's segments on this device: one shared instance, also used by the open pane.
   * The list owns it (its newest segment feeds the row): users never close it.
   */
  conversation(id: string): ConversationSegments {
    let segments = this.segmentsById.get(id);
    if (!segments) {
      // With the device's storage, the newest known segment survives an offline reload.
      segments = new ConversationSegments(
        this.options.client,
        id,
        this.options.persistence,
        this.waitingWrites,
      );
      this.segmentsById.set(id, segments);
    }
    return segments;
  }

  /**
   * The conversation on screen (the app opened on its address): its newest segment opens now,
   * ahead of the idle batches, so the chat finds it loaded or loading.
   */
  openFirst(id: string): void {
    void this.watch(id);
  }

  /** The user document's read positions: reading here or on another device clears the badges. */
  readFrom(doc: Y.Doc): void {
    this.stopObservingUser();
    this.userDoc = doc;
    const { readPositions } = userDocOf(doc);
    const onRead = (event: Y.YMapEvent<ReadPosition>): void => {
      for (const id of event.keysChanged as Set<string>) this.watches.get(id)?.recompute();
    };
    readPositions.observe(onRead);
    this.stopObservingUser = () => readPositions.unobserve(onRead);
    for (const watch of this.watches.values()) watch.recompute();
  }

  /** Messages that reached a listed conversation's open segments (from the server, a tab, or this device). */
  onMessagesAdded(listener: (conversationId: string, messages: MessageEntry[]) => void): () => void {
    return this.added.add(listener);
  }

  /** What goes into the message index (new, edited, deleted messages). */
  onMessagesIndexed(listener: (docId: string, put: IndexedMessage[], removed: string[]) => void): () => void {
    return this.indexed.add(listener);
  }

  private readPosition(conversationId: string): ReadPosition | undefined {
    return this.userDoc ? userDocOf(this.userDoc).readPositions.get(conversationId) : undefined;
  }

  private publish(): void {
    const ordered = orderConversations([...this.byId.values()]);
    this.rows.set(ordered);
    this.unreadTotal.set(unreadTotal(ordered));
    this.unsentMessages.set(ordered.reduce((sum, row) => sum + (row.local?.pending ?? 0), 0));
  }

  /**
   * Publishes at the end of the current task: many conversations computing at once (start, a
   * reconnect) make one new list, and a single message still repaints in the same frame.
   */
  private publishSoon(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    queueMicrotask(() => {
      this.publishQueued = false;
      if (!this.disposed) this.publish();
    });
  }

  private onColumns(conversationId: string, local: LocalColumns): void {
    const row = this.byId.get(conversationId);
    if (!row) return;
    const next = { ...row, local };
    this.byId.set(conversationId, next);
    this.options.index.rowChanged(conversationId, next);
    if (!this.opening.has(conversationId)) this.publishSoon();
  }

  /**
   * Watches these conversations after the list painted, a batch per idle slot, with one list
   * publish per batch: at start every conversation's newest segment would otherwise be decoded
   * (and the list re-rendered once per conversation) before anything else could paint.
   */
  private watchSoon(ids: readonly string[]): void {
    for (const id of ids) if (!this.watches.has(id)) this.toWatch.add(id);
    if (this.toWatch.size > 0 && this.cancelWatchBatch === null && this.opening.size === 0)
      this.cancelWatchBatch = whenIdle(() => void this.watchBatch());
  }

  private async watchBatch(): Promise<void> {
    this.cancelWatchBatch = null;
    if (this.disposed) return;
    const batch: string[] = [];
    for (const id of this.toWatch) {
      this.toWatch.delete(id);
      if (!this.byId.has(id) || this.watches.has(id)) continue;
      batch.push(id);
      if (batch.length === OPEN_BATCH) break;
    }
    for (const id of batch) this.opening.add(id);
    await Promise.all(batch.map((id) => this.watch(id)));
    for (const id of batch) this.opening.delete(id);
    if (this.disposed) return;
    if (batch.length > 0) this.publishSoon();
    this.watchSoon([]);
  }

  /** Keeps the conversation's newest segment open and its row current; resolves once it is open. */
  private watch(id: string): Promise<void> {
    if (this.watches.has(id) || this.disposed) return Promise.resolve();
    const { client, me, index, nameOf } = this.options;
    const watch = new ConversationWatch(this.conversation(id), {
      me,
      pendingOf: (docId) => client.facts(docId).pendingChanges,
      readPosition: (c) => this.readPosition(c),
      nameOf,
      onColumns: (c, columns) => this.onColumns(c, columns),
      onAdded: (c, messages) => this.added.emit(c, messages),
      onTail: (c, tail) => index.tailChanged(c, tail),
      onIndex: (docId, length, put, removed) => {
        index.indexMessages(docId, length, put, removed);
        this.indexed.emit(docId, put, removed);
      },
      indexedLength: (docId) => index.indexedLength(docId),
      countIndexed: (conversationId, position, below) => index.countUnread(conversationId, position, below),
    });
    this.watches.set(id, watch);
    return watch.segments.openLatest().catch((error: unknown) => console.warn('segment not opened', error));
  }

  private unwatch(id: string): void {
    this.watches.get(id)?.dispose();
    this.watches.delete(id);
    this.segmentsById.delete(id);
  }

  dispose(): void {
    this.disposed = true;
    this.stopFacts();
    this.cancelWatchBatch?.();
    this.toWatch.clear();
    this.stopObservingUser();
    for (const id of [...this.watches.keys()]) this.unwatch(id);
    for (const segments of this.segmentsById.values()) segments.close();
    this.segmentsById.clear();
    this.added.clear();
    this.indexed.clear();
    for (const store of [this.rows, this.ready, this.unreadTotal, this.unsentMessages]) store.clear();
  }
}
