import type { Migration } from './migration.ts';

/**
 * One head row per document: the store takes a batch's sequence numbers here, inside the
 * inserting transaction (`head_seq = head_seq + n … RETURNING`), instead of trusting the number
 * a room counted in memory — so several server processes writing one document (PostgreSQL's
 * version 21 is the same table) get contiguous numbers, each once. Filled from what is stored.
 */
export const m0021DocHeads: Migration = {
  version: 21,
  name: 'doc-heads',
  up(db) {
    db.exec(`
      CREATE TABLE doc_heads (
        doc_id    TEXT PRIMARY KEY,
        head_seq  INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      INSERT INTO doc_heads (doc_id, head_seq)
        SELECT doc_id, max(seq) FROM (
          SELECT doc_id, max(seq) AS seq FROM doc_log GROUP BY doc_id
          UNION ALL SELECT doc_id, seq FROM doc_snapshots
        ) GROUP BY doc_id;
    `);
  },
};
