import { postgresTextArray, type Sql } from '../../db/index.ts';
import { writeListColumnsSql } from '../../db/list-columns-sql.ts';
import type { Logger } from '../../logger.ts';
import type { AppendRow, CommitExtras, DocStore, StoredDoc, StoredUpdate } from './doc-store.ts';
import { planSeqs, snapshotThrough } from './seq-plan.ts';

/** node-postgres reads `bytea` as a Buffer; the engine's bytes are plain Uint8Arrays. */
const asBytes = (buffer: Buffer): Uint8Array =>
  new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

interface SnapshotRow {
  seq: number;
  data: Buffer;
}

/**
 * The document store in PostgreSQL, on the storage port (`postgres-migrations.ts`, versions 20
 * and 21: the same tables as SQLite's). A batch is one transaction: it takes its sequence
 * numbers on the documents' head rows (`UPDATE … head_seq + n … RETURNING`: the row lock, held
 * to the commit, makes the writers of one document wait for each other, whatever process they
 * run in, and no others), then its log rows, client bindings, newest segments, the list's
 * columns (in a savepoint, so their failure costs the messages nothing) and snapshots commit
 * together. A number is handed out only by a transaction that commits, so a document's log has
 * no gap and no duplicate. Reads that take two statements run in one transaction, as
 * compaction may land between them.
 */
export class PostgresDocStore implements DocStore {
  constructor(
    private readonly db: Sql,
    private readonly now: () => number = Date.now,
    private readonly logger?: Logger,
  ) {}

  load(docId: string): Promise<StoredDoc> {
    return this.db.transaction(async (tx) => {
      const snap = await tx.get<SnapshotRow>('SELECT seq, data FROM doc_snapshots WHERE doc_id = ?', [docId]);
      const snapshot = snap ? { seq: snap.seq, data: asBytes(snap.data) } : null;
      const log = await this.readLog(tx, docId, snapshot?.seq ?? 0);
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

  logAfter(docId: string, afterSeq: number): Promise<StoredUpdate[] | null> {
    return this.db.transaction(async (tx) => {
      const snap = await tx.get<{ seq: number }>('SELECT seq FROM doc_snapshots WHERE doc_id = ?', [docId]);
      if (snap && snap.seq > afterSeq) return null;
      return this.readLog(tx, docId, afterSeq);
    });
  }

  private async readLog(q: Sql, docId: string, afterSeq: number): Promise<StoredUpdate[]> {
    const rows = await q.all<SnapshotRow & { user_id: string }>(
      'SELECT seq, data, user_id FROM doc_log WHERE doc_id = ? AND seq > ? ORDER BY seq',
      [docId, afterSeq],
    );
    return rows.map((row) => ({ seq: row.seq, data: asBytes(row.data), userId: row.user_id }));
  }

  async appendBatch(rows: readonly AppendRow[], extras: CommitExtras = {}): Promise<number[]> {
    const at = this.now();
    let listError: unknown;
    const seqs = await this.db.transaction(
      async (tx) => {
        listError = undefined; // a transaction run again starts over
        const plan = planSeqs(rows);
        const heads = new Map<string, number>();
        for (const [docId, n] of plan.counts) {
          const row = await tx.get<{ head_seq: number }>(
            `INSERT INTO doc_heads (doc_id, head_seq) VALUES (?, ?)
           ON CONFLICT (doc_id) DO UPDATE SET head_seq = doc_heads.head_seq + excluded.head_seq
           RETURNING head_seq`,
            [docId, n],
          );
          heads.set(docId, Number(row?.head_seq));
        }
        const numbered = plan.number(heads);
        for (const [i, row] of rows.entries()) {
          await tx.run(
            'INSERT INTO doc_log (doc_id, seq, data, user_id, created_at) VALUES (?, ?, ?, ?, ?)',
            [row.docId, numbered.seqs[i] ?? 0, row.data, row.userId, at],
          );
          for (const client of row.newClients) {
            await tx.run(
              'INSERT INTO doc_clients (doc_id, client_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
              [row.docId, client, row.userId],
            );
          }
          if (row.segment) {
            await tx.run(
              `INSERT INTO conversation_segments (conversation_id, latest_segment) VALUES (?, ?)
             ON CONFLICT (conversation_id) DO UPDATE
               SET latest_segment = GREATEST(conversation_segments.latest_segment, excluded.latest_segment)`,
              [row.segment.conversationId, row.segment.index],
            );
          }
        }
        if (extras.listColumns?.length) {
          const columns = extras.listColumns;
          try {
            await tx.transaction((inner) => writeListColumnsSql(inner, columns));
          } catch (error) {
            listError = error;
          }
        }
        for (const snapshot of extras.snapshots ?? []) {
          const through = snapshotThrough(snapshot, numbered.ranges);
          if (through === undefined) continue;
          // Compactions may arrive out of order: a snapshot never replaces a newer one.
          await tx.run(
            `INSERT INTO doc_snapshots (doc_id, seq, data, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (doc_id) DO UPDATE SET seq = excluded.seq, data = excluded.data, updated_at = excluded.updated_at
           WHERE excluded.seq > doc_snapshots.seq`,
            [snapshot.docId, through, snapshot.state, at],
          );
          await tx.run('DELETE FROM doc_log WHERE doc_id = ? AND seq <= ?', [snapshot.docId, through]);
        }
        return numbered.seqs;
        // READ COMMITTED: every write here is a row-locked upsert or an insert, so a second writer
        // of a document waits on its head row and then numbers after the first, instead of
        // aborting as SERIALIZABLE would and running again.
      },
      { readCommitted: true },
    );
    if (listError !== undefined) this.logger?.error('conversation list not updated', { err: listError });
    return seqs;
  }

  async compact(docId: string, throughSeq: number, state: Uint8Array): Promise<void> {
    await this.appendBatch([], { snapshots: [{ docId, throughSeq, state }] });
  }

  /** The pool belongs to the storage, which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
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
