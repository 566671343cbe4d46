import type { Migration } from './migration.ts';

/**
 * SEQ3: the id a device gives each update (16 random bytes, kept with it in its outbox), per
 * document, with the sequence number the update was stored as and a digest of its bytes: a
 * retry (the ack was lost, the device resent it, maybe to another server process) is answered
 * with that number and not stored again. A table of its own, not a column of `doc_log`: the ids
 * must outlive the log rows compaction deletes (a device may resend a week later).
 */
export const m0022DocUpdateIds: Migration = {
  version: 22,
  name: 'doc-update-ids',
  up(db) {
    db.exec(`
      CREATE TABLE doc_update_ids (
        doc_id     TEXT NOT NULL,
        update_id  BLOB NOT NULL,
        seq        INTEGER NOT NULL,
        digest     BLOB NOT NULL,
        PRIMARY KEY (doc_id, update_id)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
