import type { Db } from '../db/index.ts';
import { writeListColumns } from '../social/list-columns.ts';
import type { AppendRow, CommitExtras } from './doc-store.ts';

/**
 * The document store's write path on one connection: the SQL of a group commit, defined once
 * and run by the commit worker on its own connection (commit-worker.ts) and by SqliteDocStore
 * on the caller's. Statements are prepared on first use (services are built before a fresh
 * database is migrated).
 */
export class DocWriter {
  private prepared: ReturnType<DocWriter['prepare']> | undefined;

  constructor(private readonly db: Db) {}

  private get stmts(): ReturnType<DocWriter['prepare']> {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  private prepare() {
    const db = this.db;
    return {
      insertLog: db.prepare(
        'INSERT INTO doc_log (doc_id, seq, data, user_id, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      bindClient: db.prepare(
        'INSERT OR IGNORE INTO doc_clients (doc_id, client_id, user_id) VALUES (?, ?, ?)',
      ),
      segment: db.prepare(
        `INSERT INTO conversation_segments (conversation_id, latest_segment) VALUES (?, ?)
         ON CONFLICT (conversation_id) DO UPDATE SET latest_segment = max(latest_segment, excluded.latest_segment)`,
      ),
      // Compactions may reach the store out of order (a document unloaded and loaded again):
      // a snapshot never replaces a newer one.
      upsertSnapshot: db.prepare(
        `INSERT INTO doc_snapshots (doc_id, seq, data, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (doc_id) DO UPDATE SET seq = excluded.seq, data = excluded.data, updated_at = excluded.updated_at
         WHERE excluded.seq > doc_snapshots.seq`,
      ),
      deleteLog: db.prepare('DELETE FROM doc_log WHERE doc_id = ? AND seq <= ?'),
    };
  }

  /**
   * One group commit (BEGIN IMMEDIATE: the main thread's connection writes too). Throws if
   * nothing was stored. The list's columns run in a savepoint: their failure is returned, rolled
   * back alone, and never costs the messages their durability.
   */
  commit(rows: readonly AppendRow[], extras: CommitExtras, at: number): { listError?: unknown } {
    let listError: unknown;
    this.db
      .transaction(() => {
        for (const row of rows) {
          this.stmts.insertLog.run(row.docId, row.seq, row.data, row.userId, at);
          for (const client of row.newClients) this.stmts.bindClient.run(row.docId, client, row.userId);
          if (row.segment) this.stmts.segment.run(row.segment.conversationId, row.segment.index);
        }
        if (extras.listColumns?.length) {
          try {
            this.db.transaction(() => writeListColumns(this.db, extras.listColumns ?? []))();
          } catch (error) {
            listError = error;
          }
        }
        for (const snapshot of extras.snapshots ?? []) {
          this.stmts.upsertSnapshot.run(snapshot.docId, snapshot.throughSeq, snapshot.state, at);
          this.stmts.deleteLog.run(snapshot.docId, snapshot.throughSeq);
        }
      })
      .immediate();
    return listError === undefined ? {} : { listError };
  }
}
