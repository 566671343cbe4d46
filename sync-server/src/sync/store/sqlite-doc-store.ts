import type { Db } from '../../db/index.ts';
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
import { DocWriter } from './doc-writer.ts';
import { sameDigest, updateDigest, type StoredUpdateId } from './seq-plan.ts';

const asBytes = (buffer: Buffer): Uint8Array =>
  new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/**
 * The document store on one SQLite connection (WAL, synchronous=FULL): its reads are the
 * server's (WorkerDocStore reads through it); its writes commit on the caller's thread (tools,
 * in-memory databases, the fuzz test's hub). Reads that take two statements run in one read
 * transaction: the commit worker may compact between them.
 */
export class SqliteDocStore implements DocStore {
  private prepared: ReturnType<SqliteDocStore['prepare']> | undefined;
  private readonly writer: DocWriter;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    private readonly logger?: Logger,
  ) {
    this.writer = new DocWriter(db);
  }

  /** Statements are prepared on first use: services are built before a fresh database is migrated. */
  private get stmts(): ReturnType<SqliteDocStore['prepare']> {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  private prepare() {
    const db = this.db;
    return {
      snapshot: db.prepare('SELECT seq, data FROM doc_snapshots WHERE doc_id = ?'),
      logAfter: db.prepare(
        // LIMIT -1: no limit (a page's rows otherwise, SUB4).
        'SELECT seq, data, user_id FROM doc_log WHERE doc_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      clients: db.prepare('SELECT client_id, user_id FROM doc_clients WHERE doc_id = ?'),
      logLength: db.prepare(
        `SELECT count(*) AS n FROM doc_log WHERE doc_id = ? AND seq > coalesce((SELECT seq FROM doc_snapshots WHERE doc_id = ?), 0)`,
      ),
      heads: db.prepare(
        `SELECT d.value AS doc_id, coalesce(h.head_seq, 0) AS head
         FROM json_each(?) d LEFT JOIN doc_heads h ON h.doc_id = d.value`,
      ),
      updateId: db.prepare('SELECT seq, digest FROM doc_update_ids WHERE doc_id = ? AND update_id = ?'),
      updateIds: db.prepare('SELECT update_id FROM doc_update_ids WHERE doc_id = ? LIMIT ?').pluck(),
      latest: db.prepare(
        `SELECT conversation_id, latest_segment FROM conversation_segments
         WHERE conversation_id IN (SELECT value FROM json_each(?))`,
      ),
    };
  }

  load(docId: string, page?: LogPage): Promise<StoredDoc> {
    return Promise.resolve(this.db.transaction(() => this.readDoc(docId, page))());
  }

  private readDoc(docId: string, page: LogPage | undefined): StoredDoc {
    const snap = this.stmts.snapshot.get(docId) as { seq: number; data: Buffer } | undefined;
    const snapshot = snap ? { seq: snap.seq, data: asBytes(snap.data) } : null;
    const log = withinPage(this.readLog(docId, snapshot?.seq ?? 0, page?.rows), page);
    const clients = new Map<number, string>();
    for (const row of this.stmts.clients.all(docId) as { client_id: number; user_id: string }[]) {
      clients.set(row.client_id, row.user_id);
    }
    return { snapshot, log, clients };
  }

  heads(docIds: readonly string[]): Promise<Map<string, number>> {
    const rows = this.stmts.heads.all(JSON.stringify(docIds)) as { doc_id: string; head: number }[];
    return Promise.resolve(new Map(rows.map((row) => [row.doc_id, row.head])));
  }

  logAfter(docId: string, afterSeq: number, page?: LogPage): Promise<StoredUpdate[] | null> {
    const read = this.db.transaction(() => {
      const snap = this.stmts.snapshot.get(docId) as { seq: number } | undefined;
      if (snap && snap.seq > afterSeq) return null;
      return withinPage(this.readLog(docId, afterSeq, page?.rows), page);
    });
    return Promise.resolve(read());
  }

  private readLog(docId: string, afterSeq: number, rows = -1): StoredUpdate[] {
    const found = this.stmts.logAfter.all(docId, afterSeq, rows) as {
      seq: number;
      data: Buffer;
      user_id: string;
    }[];
    return found.map((row) => ({ seq: row.seq, data: asBytes(row.data), userId: row.user_id }));
  }

  appendBatch(rows: readonly AppendRow[], extras: CommitExtras = {}): Promise<number[]> {
    // Commits now, on this thread; a throw inside the executor rejects.
    return new Promise((resolve) => {
      const { seqs, listError } = this.writer.commit(rows, extras, this.now());
      if (listError !== undefined) this.logger?.error('conversation list not updated', { err: listError });
      resolve(seqs);
    });
  }

  async compact(docId: string, throughSeq: number, state: Uint8Array): Promise<void> {
    await this.appendBatch([], { snapshots: [{ docId, throughSeq, state }] });
  }

  /** The connection belongs to the caller, who closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  updateSeq(docId: string, updateId: Uint8Array, data: Uint8Array): Promise<number> {
    return Promise.resolve(this.updateSeqNow(docId, updateId, data));
  }

  updateSeqNow(docId: string, updateId: Uint8Array, data: Uint8Array): number {
    const found = this.stmts.updateId.get(docId, updateId) as StoredUpdateId | undefined;
    if (!found) return 0;
    return sameDigest(found.digest, updateDigest(data)) ? found.seq : UPDATE_ID_REUSED;
  }

  /** SEQ3: up to `limit` of the document's stored update ids (`KnownUpdateIds` holds them). */
  updateIdsOf(docId: string, limit: number): Uint8Array[] {
    return (this.stmts.updateIds.all(docId, limit) as Buffer[]).map(asBytes);
  }

  logLength(docId: string): Promise<number> {
    return Promise.resolve((this.stmts.logLength.get(docId, docId) as { n: number }).n);
  }

  latestSegments(conversationIds: readonly string[]): Promise<Map<string, number>> {
    const rows = this.stmts.latest.all(JSON.stringify(conversationIds)) as {
      conversation_id: string;
      latest_segment: number;
    }[];
    return Promise.resolve(new Map(rows.map((row) => [row.conversation_id, row.latest_segment])));
  }
}
