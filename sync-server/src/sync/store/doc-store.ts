import type { ListColumns } from './list-columns.ts';

/**
 * Where documents live. Two SQLite implementations: `WorkerDocStore` (the server's: commits on a
 * worker thread, reads on the main thread's connection) and `SqliteDocStore` (everything on the
 * caller's connection: tools and in-memory tests); `PostgresDocStore` keeps the same contract
 * for any number of server processes. Writes are asynchronous (the event loop never waits for an
 * fsync); so are reads (see `DocStore`). The store, not the caller, numbers the updates.
 */
export interface StoredUpdate {
  seq: number;
  data: Uint8Array;
  /** Who wrote it (read from the log; absent for a snapshot). */
  userId?: string;
}

export interface StoredDoc {
  snapshot: { seq: number; data: Uint8Array } | null;
  /** Log entries after the snapshot, in sequence order. */
  log: StoredUpdate[];
  /** Yjs client id → user id, for this document. */
  clients: Map<number, string>;
}

/**
 * SUB4: one page of the log: at most `rows` entries, and none past the one that reaches `bytes`
 * (at least one entry, however large), so a reader holds a bounded part of a long log at a time.
 */
export interface LogPage {
  rows: number;
  bytes: number;
}

/** SUB4: the page every reader of a long log uses (the engine's subscribes, loads and gap reads). */
export const LOG_PAGE: LogPage = { rows: 500, bytes: 4 * 1024 * 1024 };

/** The entries of a page read `rows` long that fit its byte budget (in seq order). */
export function withinPage(entries: StoredUpdate[], page: LogPage | undefined): StoredUpdate[] {
  if (!page) return entries;
  let bytes = 0;
  for (const [i, entry] of entries.entries()) {
    bytes += entry.data.byteLength;
    if (bytes >= page.bytes) return entries.slice(0, i + 1);
  }
  return entries;
}

/** Whether a page read may have stopped short of the log's end (it is full: read on after it). */
export function fullPage(entries: readonly StoredUpdate[], page: LogPage): boolean {
  if (entries.length >= page.rows) return true;
  let bytes = 0;
  for (const entry of entries) bytes += entry.data.byteLength;
  return bytes >= page.bytes;
}

/** An update to store; the store gives it the document's next sequence number. */
export interface AppendRow {
  docId: string;
  data: Uint8Array;
  userId: string;
  /** Client ids first used by this update, to bind to its user. */
  newClients: number[];
  /** Set when this update is the first of a new segment. */
  segment?: { conversationId: string; index: number };
  /**
   * SEQ3: the id the device gave the update (16 random bytes, kept with it in its outbox). A row
   * whose (docId, updateId) is stored already is a retry: it is not stored again and gets the
   * sequence number it got the first time; with other bytes it gets `UPDATE_ID_REUSED`.
   */
  updateId?: Uint8Array;
}

/**
 * SEQ3: `appendBatch`'s answer for a row whose update id is already stored with other bytes: the
 * row is not stored (the rest of the batch is).
 */
export const UPDATE_ID_REUSED = -1;

/** A compaction: the document's state through `throughSeq` replaces the log entries it covers. */
export interface Snapshot {
  docId: string;
  throughSeq: number;
  state: Uint8Array;
  /**
   * The state also holds every row of this document in the same batch: it then covers through
   * the last of them, if they follow `throughSeq` directly; if another process stored a row
   * between, the snapshot is not written (seq-plan.ts, `snapshotThrough`).
   */
  withRows?: boolean;
}

/** What commits together with a batch of updates, in its one transaction. */
export interface CommitExtras {
  /** The conversation list's columns for the batch's messages (no extra fsync per update). */
  listColumns?: readonly ListColumns[];
  /** Snapshots covering exactly what this and earlier batches store (compaction at no extra fsync). */
  snapshots?: readonly Snapshot[];
}

/**
 * Reads are asynchronous (a store on another thread or another machine answers later; SQLite
 * answers at once, through a resolved promise); the sync engine never assumes an answer arrives
 * in the same turn.
 */
export interface DocStore {
  /** The snapshot, the log after it (with `page`: its first page only, SUB4) and the client ids. */
  load(docId: string, page?: LogPage): Promise<StoredDoc>;
  /** Head sequence numbers of many documents (0 when empty), in one query. */
  heads(docIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Log entries with seq > afterSeq, or null when compaction removed some of them. With `page`,
   * only the first ones within it (SUB4): the caller goes on from the last seq it got.
   */
  logAfter(docId: string, afterSeq: number, page?: LogPage): Promise<StoredUpdate[] | null>;
  /**
   * Stores a batch of updates and its extras in one transaction (group commit), in the order
   * batches were handed over; resolves once durable (fsync'd) with the sequence number each row
   * was given (in the rows' order: per document contiguous, after the document's stored head,
   * taken inside the transaction, so concurrent writers never share or skip one); rejects if
   * nothing was stored. A retry (SEQ3: its update id is stored) is not stored again: its number is
   * the one it got the first time (or `UPDATE_ID_REUSED` when its bytes differ). A failure of the list's columns alone is logged and does not cost the
   * updates their commit.
   */
  appendBatch(rows: readonly AppendRow[], extras?: CommitExtras): Promise<number[]>;
  /**
   * Replaces log entries <= throughSeq by a snapshot of the state through them (never an older
   * snapshot over a newer one).
   */
  compact(docId: string, throughSeq: number, state: Uint8Array): Promise<void>;
  /** Waits for the writes handed over, then lets go of what the store holds (the commit worker). */
  close(): Promise<void>;
  /**
   * SEQ3: the sequence number an update with this id was stored as (0: none stored;
   * `UPDATE_ID_REUSED`: stored with other bytes). Kept after compaction removed the log row.
   */
  updateSeq(docId: string, updateId: Uint8Array, data: Uint8Array): Promise<number>;
  /**
   * `updateSeq` answered in the caller's turn, by a store that reads on its thread (SQLite): the
   * engine asks it for every update (SEQ4), and a promise per update would hold the socket's next
   * frame for a turn.
   */
  updateSeqNow?(docId: string, updateId: Uint8Array, data: Uint8Array): number;
  /** Number of log entries after the snapshot. */
  logLength(docId: string): Promise<number>;
  latestSegments(conversationIds: readonly string[]): Promise<Map<string, number>>;
}
