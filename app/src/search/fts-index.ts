import type { Database, PreparedStatement } from '@sqlite.org/sqlite-wasm';
import { matchRanges } from './highlight.ts';
import type { FoundMessage, IndexInput } from './protocol.ts';
import { isEmptyQuery, normalize, queryTerms, tokensOf, type QueryTerms } from './tokens.ts';

export type { IndexInput } from './protocol.ts';

/**
 * The schema. `messages.rowid` is the send time × 1024 plus a few bits that keep it unique:
 * FTS5 returns rowids in order, so "newest first" is `ORDER BY rowid DESC` and a page of a
 * common word reads a page, not every match. The full-text table is contentless (the text
 * is in `messages`) and holds the app's tokens (tokens.ts: Intl.Segmenter words, CJK singles
 * and pairs) separated by spaces, so unicode61 only splits them again; `prefix` keeps the
 * beginnings of 2 and 3 characters in the index for typing-as-you-search.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS messages (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    conversation TEXT NOT NULL,
    segment INTEGER NOT NULL,
    author TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS messages_by_segment ON messages (conversation, segment);
  CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    tokens, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3'
  );
  CREATE TABLE IF NOT EXISTS docs (doc_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * The schema's version (`PRAGMA user_version`). An index of another version is dropped and built
 * again from the stored documents (its fingerprints go with it): it is a cache of them.
 */
export const SCHEMA_VERSION = 1;
const DROP = `DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS messages; DROP TABLE IF EXISTS docs;`;

/** Send times past this (year 2248) are clamped: rowid × 1024 must stay a safe JavaScript integer. */
const MAX_TIME = 2 ** 43 - 1;
const SLOTS = 1024;

function slotOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return (hash >>> 0) % SLOTS;
}

/** The FTS5 query for the terms: each word as a beginning, each CJK pair as it is. */
export function ftsQuery(terms: QueryTerms): string {
  const quoted = (s: string) => `"${s.replaceAll('"', '""')}"`;
  return [...terms.words.map((w) => `${quoted(w)}*`), ...terms.grams.map(quoted)].join(' ');
}

/**
 * The device's full-text index: SQLite FTS5 (sqlite-wasm), in the search worker on OPFS
 * (`opfs-db.ts`), in memory in unit tests. Chosen over a Dexie token index by W10
 * (docs/benchmarks.md, ARCHITECTURE.md). Every method is synchronous: the worker is its only user.
 */
export class FtsIndex {
  private readonly statements: PreparedStatement[] = [];
  private readonly byId: PreparedStatement;
  private readonly insertRow: PreparedStatement;
  private readonly insertFts: PreparedStatement;
  private readonly deleteRow: PreparedStatement;
  private readonly deleteFts: PreparedStatement;
  private readonly select: PreparedStatement;

  constructor(private readonly db: Database) {
    const version = Number(db.selectValue('PRAGMA user_version'));
    if (version !== SCHEMA_VERSION) {
      if (version !== 0) db.exec(DROP);
      db.exec(`${SCHEMA} PRAGMA user_version = ${SCHEMA_VERSION};`);
    }
    const prepare = (sql: string) => {
      const statement = db.prepare(sql);
      this.statements.push(statement);
      return statement;
    };
    this.byId = prepare('SELECT rowid FROM messages WHERE id = ?');
    this.insertRow = prepare('INSERT OR IGNORE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertFts = prepare('INSERT INTO fts (rowid, tokens) VALUES (?, ?)');
    this.deleteRow = prepare('DELETE FROM messages WHERE rowid = ?');
    this.deleteFts = prepare('DELETE FROM fts WHERE rowid = ?');
    this.select = prepare(
      `SELECT rowid, id, conversation, segment, author, sent_at, text FROM messages
       WHERE rowid IN (SELECT rowid FROM fts WHERE fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?)
       ORDER BY rowid DESC`,
    );
  }

  private transaction(run: () => void): void {
    this.db.exec('BEGIN');
    try {
      run();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private removeOne(id: string): void {
    const rowid = this.byId.bind([id]).step() ? Number(this.byId.get(0)) : undefined;
    this.byId.reset();
    if (rowid === undefined) return;
    this.deleteFts.bind([rowid]).stepReset();
    this.deleteRow.bind([rowid]).stepReset();
  }

  private insertOne(m: IndexInput): void {
    const base = Math.min(Math.max(0, Math.floor(m.sentAt)), MAX_TIME) * SLOTS;
    // Another message of the same millisecond may hold the slot: the next free one.
    for (let n = 0; n < SLOTS; n++) {
      const rowid = base + ((slotOf(m.id) + n) % SLOTS);
      this.insertRow.bind([rowid, m.id, m.conversationId, m.segment, m.author, m.sentAt, m.text]).step();
      const inserted = this.db.changes() > 0;
      this.insertRow.reset();
      if (!inserted) continue;
      this.insertFts.bind([rowid, tokensOf(m.text).join(' ')]).stepReset();
      return;
    }
  }

  /** Adds or replaces messages (an edit replaces the indexed text and its tokens). */
  put(inputs: readonly IndexInput[]): void {
    if (inputs.length === 0) return;
    this.transaction(() => {
      for (const m of inputs) {
        this.removeOne(m.id);
        this.insertOne(m);
      }
    });
  }

  /** Removes messages (deleted ones); unknown ids are ignored. */
  remove(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.transaction(() => {
      for (const id of ids) this.removeOne(id);
    });
  }

  /**
   * Makes the index hold exactly `inputs` for one segment (read whole from its stored document):
   * messages deleted meanwhile go, edited ones take their newest text; with the document's
   * fingerprint in the same transaction.
   */
  replaceSegment(
    conversationId: string,
    segment: number,
    inputs: readonly IndexInput[],
    doc?: { docId: string; fingerprint: string },
  ): void {
    this.transaction(() => {
      const old = this.db.selectValues('SELECT rowid FROM messages WHERE conversation = ? AND segment = ?', [
        conversationId,
        segment,
      ]);
      for (const rowid of old) {
        this.deleteFts.bind([rowid]).stepReset();
        this.deleteRow.bind([rowid]).stepReset();
      }
      for (const m of inputs) {
        this.removeOne(m.id);
        this.insertOne(m);
      }
      if (doc)
        this.db.exec({
          sql: 'INSERT OR REPLACE INTO docs VALUES (?, ?)',
          bind: [doc.docId, doc.fingerprint],
        });
    });
  }

  /** What each stored document looked like when it was last read whole. */
  fingerprints(): Map<string, string> {
    const rows = this.db.selectArrays('SELECT doc_id, fingerprint FROM docs');
    return new Map(rows.map(([docId, fingerprint]) => [docId as string, fingerprint as string]));
  }

  /**
   * The newest messages matching every term of `query`, newest first, with where it matches;
   * `before` (a hit's `key`) asks for the page after that hit.
   * A CJK run is found through its pairs, which may all be in a message without the run itself:
   * those are dropped by checking the text.
   */
  search(query: string, limit = 50, before = Number.MAX_SAFE_INTEGER): FoundMessage[] {
    const terms = queryTerms(query);
    if (isEmptyQuery(terms)) return [];
    const out: FoundMessage[] = [];
    this.select.bind([ftsQuery(terms), before, terms.cjk.length > 0 ? limit * 2 : limit]);
    try {
      while (this.select.step() && out.length < limit) {
        const [key, id, conversationId, segment, author, sentAt, text] = this.select.get([]) as [
          number,
          string,
          string,
          number,
          string,
          number,
          string,
        ];
        if (terms.cjk.length > 0) {
          const clean = normalize(text);
          if (!terms.cjk.every((run) => clean.includes(run))) continue;
        }
        out.push({
          id,
          conversationId,
          segment,
          author,
          sentAt,
          text,
          key,
          ranges: matchRanges(text, terms),
        });
      }
    } finally {
      this.select.reset();
    }
    return out;
  }

  close(): void {
    for (const statement of this.statements.splice(0)) statement.finalize();
    this.db.close();
  }
}
