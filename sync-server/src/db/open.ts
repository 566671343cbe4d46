import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Opens the SQLite database with the settings durability depends on: WAL so readers never
 * block the writer, synchronous=FULL so a committed (and acked) update survives power loss,
 * foreign keys enforced, and a busy timeout so a checkpoint never fails a request outright.
 *
 * Two connections write: this one and the commit worker's (sync/store/commit-worker.ts). A write
 * transaction on it must therefore begin IMMEDIATE (`db.transaction(fn).immediate()`): a
 * deferred one that reads first fails with SQLITE_BUSY_SNAPSHOT (the busy timeout does not
 * apply) when the worker commits between its read and its first write.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  // Only takes effect on a new database (before its first table): pages freed by compacting a
  // document's log can then be given back (DocWriter.reclaimFreePages). An older database keeps
  // them for later rows until `VACUUM` is run on it.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
