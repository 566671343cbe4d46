import type { Db } from '../../db/index.ts';
import { writeListColumns } from './list-columns.ts';
import type { AppendRow, CommitExtras } from './doc-store.ts';

/**
 * The document store's write path on one connection: the SQL of a group commit, defined once
 * and run by the commit worker on its own connection (commit-worker.ts) and by SqliteDocStore
 * on the caller's. Statements are prepared on first use (services are built before a fresh
 * database is migrated).
 */
/** `PRAGMA auto_vacuum` of a database whose free pages can be given back one by one. */
const AUTO_VACUUM_INCREMENTAL = 2;
/** Free pages are given back once they are this share of the file... */
const RECLAIM_SHARE = 0.25;
/** ...and at least this many (1 MiB of 4 KiB pages): a small file is not shrunk after every compaction. */
const RECLAIM_MIN_PAGES = 256;

export class DocWriter {
  private prepared: ReturnType<DocWriter['prepare']> | undefined;
  private incremental: boolean | undefined;

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

  /**
   * Gives the pages of deleted log rows (a compaction replaced them with a snapshot) back to the
   * file system once they are a quarter of the file, or all of them (`all`, at shutdown). Until
   * then SQLite reuses them for the next rows; W8 found them ~30 % of a compacted database. Runs
   * outside a transaction; a database created before auto_vacuum was set keeps its pages.
   */
  reclaimFreePages(all = false): void {
    this.incremental ??= this.db.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL;
    if (!this.incremental) return;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    if (free === 0) return;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    if (!all && (free < RECLAIM_MIN_PAGES || free < RECLAIM_SHARE * pages)) return;
    this.db.pragma('incremental_vacuum');
  }
}
