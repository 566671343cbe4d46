import type { Migration } from './migration.ts';

/**
 * The document store of the sync engine: per document an append-only log of raw Yjs updates
 * with a sequence number (a write costs the size of the update, not of the document), a
 * compacted snapshot that covers the log up to `seq`, and which user each Yjs client id
 * belongs to in that document (so nobody can write under another user's client id).
 */
export const m0020DocumentStore: Migration = {
  version: 20,
  name: 'document-store',
  up(db) {
    db.exec(`
      CREATE TABLE doc_log (
        doc_id      TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        data        BLOB NOT NULL,
        user_id     TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (doc_id, seq)
      ) STRICT, WITHOUT ROWID;

      -- The state of a document through log entry seq (entries <= seq are deleted with it).
      CREATE TABLE doc_snapshots (
        doc_id      TEXT PRIMARY KEY,
        seq         INTEGER NOT NULL,
        data        BLOB NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE doc_clients (
        doc_id      TEXT NOT NULL,
        client_id   INTEGER NOT NULL,
        user_id     TEXT NOT NULL,
        PRIMARY KEY (doc_id, client_id)
      ) STRICT, WITHOUT ROWID;

      -- Highest segment index written per conversation, so a device learns where to append.
      CREATE TABLE conversation_segments (
        conversation_id  TEXT PRIMARY KEY,
        latest_segment   INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
