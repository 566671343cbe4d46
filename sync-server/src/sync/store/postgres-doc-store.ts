import { postgresTextArray, type Sql } from '../../db/index.ts';
import { DomainError } from '../../domain-error.ts';
import type { Logger } from '../../logger.ts';
import {
  UPDATE_ID_REUSED,
  withinPage,
  type AppendRow,
  type LogPage,
  type CommitExtras,
  type DocStore,
  type Snapshot,
  type StoredDoc,
  type StoredUpdate,
} from './doc-store.ts';
import { mergeListColumns, type ListColumns } from './list-columns.ts';
import {
  APPEND_SQL,
  appendParams,
  isUpdateIdRace,
  readAppended,
  type AppendedRow,
} from './postgres-append.ts';
import { planRetries, sameDigest, snapshotThrough, updateDigest, type SeqRange } from './seq-plan.ts';

/** node-postgres reads `bytea` as a Buffer; the engine's bytes are plain Uint8Arrays. */
const asBytes = (buffer: Buffer): Uint8Array =>
  new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

interface SnapshotRow {
  seq: number;
  data: Buffer;
}

/** A batch that lost a race (`appendBatch`) runs again at most this often. */
const MAX_ATTEMPTS = 12;

/**
 * A compaction: the snapshot (never over a newer one: compactions may arrive out of order), and
 * the log rows it covers deleted, in one statement. A later statement of the batch's transaction
 * than the rows' own, so the delete sees them.
 */
const SNAPSHOT_SQL = `
WITH written AS (
  INSERT INTO doc_snapshots (doc_id, seq, data, updated_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (doc_id) DO UPDATE SET seq = excluded.seq, data = excluded.data, updated_at = excluded.updated_at
  WHERE excluded.seq > doc_snapshots.seq
)
DELETE FROM doc_log WHERE doc_id = $1 AND seq <= $2`;

const isDeadlock = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === '40P01';

/**
 * The document store in PostgreSQL, on the storage port (`postgres-migrations.ts`, versions 20
 * to 22: the same tables as SQLite's). A batch is one statement (`postgres-append.ts`), committed
 * on its own, so a batch costs one round trip whatever its size: it takes its sequence numbers
 * on the documents' head rows (`head_seq + n … RETURNING`: the row lock, held to the commit,
 * makes the writers of one document wait for each other, whatever process they run in, and no
 * others), and writes its log rows, update ids, client bindings, newest segments and the list's
 * columns together. A number is handed out only by a statement that commits, so a document's log
 * has no gap and no duplicate. Snapshots commit with their batch in one transaction. Reads that
 * take two statements run in one transaction, as compaction may land between them.
 */
interface UpdateIdAsk {
  docId: string;
  updateId: Uint8Array;
  data: Uint8Array;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

/** One (document, update id) pair as a map key: ids are bytes, document ids never hold a newline. */
const idKey = (docId: string, updateId: Uint8Array): string =>
  `${docId}\n${Buffer.from(updateId.buffer, updateId.byteOffset, updateId.byteLength).toString('hex')}`;

export class PostgresDocStore implements DocStore {
  constructor(
    private readonly db: Sql,
    private readonly now: () => number = Date.now,
    private readonly logger?: Logger,
  ) {}

  load(docId: string, page?: LogPage): Promise<StoredDoc> {
    return this.db.transaction(async (tx) => {
      const snap = await tx.get<SnapshotRow>('SELECT seq, data FROM doc_snapshots WHERE doc_id = ?', [docId]);
      const snapshot = snap ? { seq: snap.seq, data: asBytes(snap.data) } : null;
      const log = withinPage(await this.readLog(tx, docId, snapshot?.seq ?? 0, page?.rows), page);
      const rows = await tx.all<{ client_id: number; user_id: string }>(
        'SELECT client_id, user_id FROM doc_clients WHERE doc_id = ?',
        [docId],
      );
      return { snapshot, log, clients: new Map(rows.map((row) => [row.client_id, row.user_id])) };
    });
  }

  async heads(docIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db.all<{ doc_id: string; head: number }>(
      `SELECT d.doc_id, coalesce(h.head_seq, 0) AS head
       FROM unnest(?::text[]) AS d(doc_id) LEFT JOIN doc_heads h ON h.doc_id = d.doc_id`,
      [postgresTextArray(docIds)],
    );
    return new Map(rows.map((row) => [row.doc_id, row.head]));
  }

  logAfter(docId: string, afterSeq: number, page?: LogPage): Promise<StoredUpdate[] | null> {
    return this.db.transaction(async (tx) => {
      const snap = await tx.get<{ seq: number }>('SELECT seq FROM doc_snapshots WHERE doc_id = ?', [docId]);
      if (snap && snap.seq > afterSeq) return null;
      return withinPage(await this.readLog(tx, docId, afterSeq, page?.rows), page);
    });
  }

  private async readLog(q: Sql, docId: string, afterSeq: number, limit?: number): Promise<StoredUpdate[]> {
    // LIMIT NULL: no limit (a page's rows otherwise, SUB4).
    const rows = await q.all<SnapshotRow & { user_id: string }>(
      'SELECT seq, data, user_id FROM doc_log WHERE doc_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      [docId, afterSeq, limit ?? null],
    );
    return rows.map((row) => ({ seq: row.seq, data: asBytes(row.data), userId: row.user_id }));
  }

  async appendBatch(rows: readonly AppendRow[], extras: CommitExtras = {}): Promise<number[]> {
    const at = this.now();
    // SEQ3 within the batch (a second copy of one update is answered with the first's number);
    // the stored copies are found by the statement itself.
    const retries = planRetries(rows, new Map());
    let listColumns = mergeListColumns(extras.listColumns ?? []);
    let listError: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        const seqs = await this.writeBatch(
          retries.fresh,
          retries.digests,
          listColumns,
          extras.snapshots ?? [],
          at,
        );
        if (listError !== undefined) this.logger?.error('conversation list not updated', { err: listError });
        return retries.answer(seqs);
      } catch (error) {
        // Another process stored a copy of one of these updates meanwhile, or two batches
        // deadlocked on conversation rows: nothing was written; run it again.
        if (attempt < MAX_ATTEMPTS && (isUpdateIdRace(error) || isDeadlock(error))) continue;
        // The list's columns must never cost the messages their commit: without them once more.
        if (listColumns.length > 0 && !(error instanceof DomainError)) {
          listError = error;
          listColumns = [];
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * The batch in one statement (`postgres-append.ts`), committed on its own: one round trip. With
   * snapshots, they commit in the same transaction, each one statement after the rows.
   */
  private async writeBatch(
    fresh: readonly AppendRow[],
    digests: readonly (Uint8Array | undefined)[],
    listColumns: readonly ListColumns[],
    snapshots: readonly Snapshot[],
    at: number,
  ): Promise<number[]> {
    const write = async (q: Sql) => {
      if (fresh.length === 0 && listColumns.length === 0)
        return { seqs: [], ranges: new Map<string, SeqRange>() };
      const answer = await q.all<AppendedRow>(APPEND_SQL, appendParams(fresh, digests, listColumns, at));
      return readAppended(fresh.length, answer, fresh);
    };
    if (snapshots.length === 0) return (await write(this.db)).seqs;
    return this.db.transaction(
      async (tx) => {
        const { seqs, ranges } = await write(tx);
        for (const snapshot of snapshots) {
          const through = snapshotThrough(snapshot, ranges);
          if (through === undefined) continue;
          await tx.run(SNAPSHOT_SQL, [snapshot.docId, through, snapshot.state, at]);
        }
        return seqs;
      },
      // Row-locked upserts and inserts only: a second writer waits on the head row (no abort).
      { readCommitted: true },
    );
  }

  async compact(docId: string, throughSeq: number, state: Uint8Array): Promise<void> {
    await this.appendBatch([], { snapshots: [{ docId, throughSeq, state }] });
  }

  /** The pool belongs to the storage, which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * SEQ4 asks this before every update with an id is applied, so the asks of one event-loop turn
   * are read in one query: one round trip each cost W3 on two processes 0.58x its throughput
   * (docs/benchmarks.md).
   */
  updateSeq(docId: string, updateId: Uint8Array, data: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.idAsks.push({ docId, updateId, data, resolve, reject });
      if (this.idAsks.length === 1) setImmediate(() => this.readAskedIds());
    });
  }

  private idAsks: UpdateIdAsk[] = [];

  private readAskedIds(): void {
    const asks = this.idAsks;
    this.idAsks = [];
    this.db
      .all<{ doc_id: string; update_id: Buffer; seq: number; digest: Buffer }>(
        `SELECT u.doc_id, u.update_id, u.seq, u.digest
         FROM unnest(?::text[], ?::bytea[]) AS a(doc_id, update_id)
         JOIN doc_update_ids u ON u.doc_id = a.doc_id AND u.update_id = a.update_id`,
        [asks.map((ask) => ask.docId), asks.map((ask) => ask.updateId)],
      )
      .then(
        (rows) => {
          const found = new Map(rows.map((row) => [idKey(row.doc_id, row.update_id), row]));
          for (const ask of asks) {
            const row = found.get(idKey(ask.docId, ask.updateId));
            if (!row) ask.resolve(0);
            else
              ask.resolve(
                sameDigest(row.digest, updateDigest(ask.data)) ? Number(row.seq) : UPDATE_ID_REUSED,
              );
          }
        },
        (error: unknown) => {
          for (const ask of asks) ask.reject(error);
        },
      );
  }

  async logLength(docId: string): Promise<number> {
    const row = await this.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM doc_log
       WHERE doc_id = ? AND seq > coalesce((SELECT seq FROM doc_snapshots WHERE doc_id = ?), 0)`,
      [docId, docId],
    );
    return row?.n ?? 0;
  }

  async latestSegments(conversationIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db.all<{ conversation_id: string; latest_segment: number }>(
      'SELECT conversation_id, latest_segment FROM conversation_segments WHERE conversation_id = ANY(?::text[])',
      [postgresTextArray(conversationIds)],
    );
    return new Map(rows.map((row) => [row.conversation_id, row.latest_segment]));
  }
}
