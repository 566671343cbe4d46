import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Opens the SQLite database with the settings durability depends on: WAL so readers never
 * block the writer, synchronous=FULL so a committed (and acked) update survives power loss,
 * foreign keys enforced, and a busy timeout so a checkpoint never fails a request outright.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
