import { postgresTextArray, type Sql } from '../../db/index.ts';
import { writeListColumnsSql } from '../../db/list-columns-sql.ts';
import type { Logger } from '../../logger.ts';
import {
  UPDATE_ID_REUSED,
  withinPage,
  type AppendRow,
  type LogPage,
  type CommitExtras,
  type DocStore,
  type StoredDoc,
  type StoredUpdate,
} from './doc-store.ts';
import {
  planRetries,
  planSeqs,
  sameDigest,
  snapshotThrough,
  updateDigest,
  updateIdKey,
  type StoredUpdateId,
} from './seq-plan.ts';

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
    let listError: unknown;
    const seqs = await this.db.transaction(
      async (tx) => {
        listError = undefined; // a transaction run again starts over
        // The head rows first, locked in id order (no deadlock between processes), as they are:
        // a retry (SEQ3) is recognised under the lock, so two copies of one update sent to two
        // processes at once are stored once, whichever commits first.
        const docIds = [...new Set(rows.map((row) => row.docId))].sort((a, b) =>
          a < b ? -1 : a > b ? 1 : 0,
        );
        const current = new Map<string, number>();
        for (const docId of docIds) {
          const locked = await tx.get<{ head_seq: number }>(
            `INSERT INTO doc_heads (doc_id, head_seq) VALUES (?, 0)
           ON CONFLICT (doc_id) DO UPDATE SET head_seq = doc_heads.head_seq
           RETURNING head_seq`,
            [docId],
          );
          current.set(docId, Number(locked?.head_seq));
        }
        const retries = planRetries(rows, await this.storedUpdateIds(tx, rows));
        const plan = planSeqs(retries.fresh);
        const heads = new Map<string, number>();
        for (const [docId, n] of plan.counts) {
          const head = (current.get(docId) ?? 0) + n;
          await tx.run('UPDATE doc_heads SET head_seq = ? WHERE doc_id = ?', [head, docId]);
          heads.set(docId, head);
        }
        const numbered = plan.number(heads);
        for (const [i, row] of retries.fresh.entries()) {
          const seq = numbered.seqs[i] ?? 0;
          await tx.run(
            'INSERT INTO doc_log (doc_id, seq, data, user_id, created_at) VALUES (?, ?, ?, ?, ?)',
            [row.docId, seq, row.data, row.userId, at],
          );
          if (row.updateId) {
            await tx.run('INSERT INTO doc_update_ids (doc_id, update_id, seq, digest) VALUES (?, ?, ?, ?)', [
              row.docId,
              row.updateId,
              seq,
              retries.digests[i] ?? null,
            ]);
          }
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
        return retries.answer(numbered.seqs);
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

  /** SEQ3: the stored ids among the rows' update ids (read under the head locks). */
  private async storedUpdateIds(tx: Sql, rows: readonly AppendRow[]): Promise<Map<string, StoredUpdateId>> {
    const stored = new Map<string, StoredUpdateId>();
    for (const row of rows) {
      if (!row.updateId) continue;
      const found = await tx.get<{ seq: number; digest: Buffer }>(
        'SELECT seq, digest FROM doc_update_ids WHERE doc_id = ? AND update_id = ?',
        [row.docId, row.updateId],
      );
      if (found)
        stored.set(updateIdKey(row.docId, row.updateId), { seq: Number(found.seq), digest: found.digest });
    }
    return stored;
  }

  async updateSeq(docId: string, updateId: Uint8Array, data: Uint8Array): Promise<number> {
    const found = await this.db.get<{ seq: number; digest: Buffer }>(
      'SELECT seq, digest FROM doc_update_ids WHERE doc_id = ? AND update_id = ?',
      [docId, updateId],
    );
    if (!found) return 0;
    return sameDigest(found.digest, updateDigest(data)) ? Number(found.seq) : UPDATE_ID_REUSED;
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
