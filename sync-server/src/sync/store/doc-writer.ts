import type { Db } from '../../db/index.ts';
import { KnownUpdateIds } from './known-update-ids.ts';
import { writeListColumns } from './list-columns.ts';
import type { AppendRow, CommitExtras } from './doc-store.ts';
import { planRetries, planSeqs, snapshotThrough, updateIdKey, type StoredUpdateId } from './seq-plan.ts';

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
  /** SEQ3: the ids that may be stored, when this writer is the file's only one (the commit worker). */
  private readonly knownIds: KnownUpdateIds | undefined;

  /**
   * `onlyWriter`: no other connection stores update ids in this file (the server's commit
   * worker), so a row whose id this writer never stored nor read needs no lookup.
   */
  constructor(
    private readonly db: Db,
    { onlyWriter = false }: { onlyWriter?: boolean } = {},
  ) {
    this.knownIds = onlyWriter
      ? new KnownUpdateIds({
          storedIds: (docId, limit) => this.stmts.updateIds.all(docId, limit) as Uint8Array[],
        })
      : undefined;
  }

  private get stmts(): ReturnType<DocWriter['prepare']> {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  private prepare() {
    const db = this.db;
    return {
      // The document's next sequence numbers, in the inserting transaction (seq-plan.ts).
      takeSeqs: db.prepare(
        `INSERT INTO doc_heads (doc_id, head_seq) VALUES (?, ?)
         ON CONFLICT (doc_id) DO UPDATE SET head_seq = doc_heads.head_seq + excluded.head_seq
         RETURNING head_seq`,
      ),
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
      // SEQ3: the update ids of stored updates (kept when compaction deletes their log rows).
      findUpdateId: db.prepare('SELECT seq, digest FROM doc_update_ids WHERE doc_id = ? AND update_id = ?'),
      updateIds: db.prepare('SELECT update_id FROM doc_update_ids WHERE doc_id = ? LIMIT ?').pluck(),
      insertUpdateId: db.prepare(
        'INSERT INTO doc_update_ids (doc_id, update_id, seq, digest) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  /**
   * One group commit (BEGIN IMMEDIATE: the main thread's connection writes too), returning the
   * rows' sequence numbers. Throws if nothing was stored. The list's columns run in a savepoint:
   * their failure is returned, rolled back alone, and never costs the messages their durability.
   */
  commit(
    rows: readonly AppendRow[],
    extras: CommitExtras,
    at: number,
  ): { seqs: number[]; listError?: unknown } {
    try {
      return this.commitOnce(rows, extras, at);
    } catch (error) {
      if (!this.knownIds || !isUpdateIdConflict(error)) throw error;
      // Another connection stored one of these ids (a second writer after all: tools, tests):
      // what this writer held of the rows' documents is read again, in the new transaction.
      for (const row of rows) this.knownIds.forget(row.docId);
      return this.commitOnce(rows, extras, at);
    }
  }

  private commitOnce(
    rows: readonly AppendRow[],
    extras: CommitExtras,
    at: number,
  ): { seqs: number[]; listError?: unknown } {
    let listError: unknown;
    let seqs: number[] = [];
    this.db
      .transaction(() => {
        // SEQ3: retries of stored updates take no number (BEGIN IMMEDIATE: nobody writes between).
        const retries = planRetries(rows, this.storedUpdateIds(rows));
        const plan = planSeqs(retries.fresh);
        const heads = new Map<string, number>();
        for (const [docId, n] of plan.counts) {
          heads.set(docId, (this.stmts.takeSeqs.get(docId, n) as { head_seq: number }).head_seq);
        }
        const numbered = plan.number(heads);
        for (const [i, row] of retries.fresh.entries()) {
          const seq = numbered.seqs[i];
          this.stmts.insertLog.run(row.docId, seq, row.data, row.userId, at);
          if (row.updateId) {
            this.stmts.insertUpdateId.run(row.docId, row.updateId, seq, retries.digests[i]);
            // Added inside the transaction: one rolled back leaves it held, which only costs a lookup.
            this.knownIds?.add(row.docId, row.updateId);
          }
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
          const through = snapshotThrough(snapshot, numbered.ranges);
          if (through === undefined) continue;
          this.stmts.upsertSnapshot.run(snapshot.docId, through, snapshot.state, at);
          this.stmts.deleteLog.run(snapshot.docId, through);
        }
        seqs = retries.answer(numbered.seqs);
      })
      .immediate();
    return listError === undefined ? { seqs } : { seqs, listError };
  }

  /** SEQ3: the stored ids among the rows' update ids. */
  private storedUpdateIds(rows: readonly AppendRow[]): Map<string, StoredUpdateId> {
    const stored = new Map<string, StoredUpdateId>();
    for (const row of rows) {
      if (!row.updateId || this.knownIds?.mayHold(row.docId, row.updateId) === false) continue;
      const found = this.stmts.findUpdateId.get(row.docId, row.updateId) as StoredUpdateId | undefined;
      if (found) stored.set(updateIdKey(row.docId, row.updateId), found);
    }
    return stored;
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

/** The insert of an update id another connection stored since this writer read the document's ids. */
function isUpdateIdConflict(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' &&
    typeof message === 'string' &&
    message.includes('doc_update_ids')
  );
}
