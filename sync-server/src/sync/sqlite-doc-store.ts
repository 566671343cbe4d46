import type { Db } from '../db/index.ts';
import type { AppendRow, DocStore, StoredDoc, StoredUpdate } from './doc-store.ts';

const asBytes = (buffer: Buffer): Uint8Array =>
  new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** The document store on the server's SQLite database (WAL, synchronous=FULL). */
export class SqliteDocStore implements DocStore {
  private prepared: ReturnType<SqliteDocStore['prepare']> | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Statements are prepared on first use: services are built before a fresh database is migrated. */
  private get stmts(): ReturnType<SqliteDocStore['prepare']> {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  private prepare() {
    const db = this.db;
    return {
      snapshot: db.prepare('SELECT seq, data FROM doc_snapshots WHERE doc_id = ?'),
      logAfter: db.prepare('SELECT seq, data FROM doc_log WHERE doc_id = ? AND seq > ? ORDER BY seq'),
      clients: db.prepare('SELECT client_id, user_id FROM doc_clients WHERE doc_id = ?'),
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
      upsertSnapshot: db.prepare(
        `INSERT INTO doc_snapshots (doc_id, seq, data, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (doc_id) DO UPDATE SET seq = excluded.seq, data = excluded.data, updated_at = excluded.updated_at`,
      ),
      deleteLog: db.prepare('DELETE FROM doc_log WHERE doc_id = ? AND seq <= ?'),
      logLength: db.prepare(
        `SELECT count(*) AS n FROM doc_log WHERE doc_id = ? AND seq > coalesce((SELECT seq FROM doc_snapshots WHERE doc_id = ?), 0)`,
      ),
      heads: db.prepare(
        `SELECT d.value AS doc_id,
                max(coalesce((SELECT max(seq) FROM doc_log WHERE doc_id = d.value), 0),
                    coalesce((SELECT seq FROM doc_snapshots WHERE doc_id = d.value), 0)) AS head
         FROM json_each(?) d`,
      ),
      latest: db.prepare(
        `SELECT conversation_id, latest_segment FROM conversation_segments
         WHERE conversation_id IN (SELECT value FROM json_each(?))`,
      ),
    };
  }

  load(docId: string): Promise<StoredDoc> {
    return Promise.resolve(this.readDoc(docId));
  }

  private readDoc(docId: string): StoredDoc {
    const snap = this.stmts.snapshot.get(docId) as { seq: number; data: Buffer } | undefined;
    const snapshot = snap ? { seq: snap.seq, data: asBytes(snap.data) } : null;
    const log = this.readLog(docId, snapshot?.seq ?? 0);
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

  logAfter(docId: string, afterSeq: number): Promise<StoredUpdate[] | null> {
    const snap = this.stmts.snapshot.get(docId) as { seq: number } | undefined;
    if (snap && snap.seq > afterSeq) return Promise.resolve(null);
    return Promise.resolve(this.readLog(docId, afterSeq));
  }

  private readLog(docId: string, afterSeq: number): StoredUpdate[] {
    return (this.stmts.logAfter.all(docId, afterSeq) as { seq: number; data: Buffer }[]).map((row) => ({
      seq: row.seq,
      data: asBytes(row.data),
    }));
  }

  appendBatch(rows: readonly AppendRow[], alsoInTransaction?: () => void): void {
    const now = this.now();
    this.db.transaction(() => {
      for (const row of rows) {
        this.stmts.insertLog.run(row.docId, row.seq, row.data, row.userId, now);
        for (const client of row.newClients) this.stmts.bindClient.run(row.docId, client, row.userId);
        if (row.segment) this.stmts.segment.run(row.segment.conversationId, row.segment.index);
      }
      alsoInTransaction?.();
    })();
  }

  compact(docId: string, throughSeq: number, state: Uint8Array): void {
    this.db.transaction(() => {
      this.stmts.upsertSnapshot.run(docId, throughSeq, state, this.now());
      this.stmts.deleteLog.run(docId, throughSeq);
    })();
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
