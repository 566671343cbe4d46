/**
 * Where documents live. One implementation today (SQLite, sqlite-doc-store.ts); a PostgreSQL
 * store would implement the same contract and nothing in the sync logic would change.
 */
export interface StoredUpdate {
  seq: number;
  data: Uint8Array;
}

export interface StoredDoc {
  snapshot: { seq: number; data: Uint8Array } | null;
  /** Log entries after the snapshot, in sequence order. */
  log: StoredUpdate[];
  /** Yjs client id → user id, for this document. */
  clients: Map<number, string>;
}

export interface AppendRow {
  docId: string;
  seq: number;
  data: Uint8Array;
  userId: string;
  /** Client ids first used by this update, to bind to its user. */
  newClients: number[];
  /** Set when this update is the first of a new segment. */
  segment?: { conversationId: string; index: number };
}

/**
 * Reads are asynchronous (a store on another thread or another machine answers later; SQLite
 * answers at once, through a resolved promise); the sync engine never assumes an answer arrives
 * in the same turn.
 */
export interface DocStore {
  load(docId: string): Promise<StoredDoc>;
  /** Head sequence numbers of many documents (0 when empty), in one query. */
  heads(docIds: readonly string[]): Promise<Map<string, number>>;
  /** Log entries with seq > afterSeq, or null when compaction removed some of them. */
  logAfter(docId: string, afterSeq: number): Promise<StoredUpdate[] | null>;
  /**
   * Stores a batch of updates in one transaction (group commit); throws if nothing was stored.
   * `alsoInTransaction` writes what must commit with them (the conversation list's columns) at no extra fsync.
   */
  appendBatch(rows: readonly AppendRow[], alsoInTransaction?: () => void): void;
  /** Replaces log entries <= throughSeq by a snapshot of the state through them. */
  compact(docId: string, throughSeq: number, state: Uint8Array): void;
  /** Number of log entries after the snapshot. */
  logLength(docId: string): Promise<number>;
  latestSegments(conversationIds: readonly string[]): Promise<Map<string, number>>;
}
