/**
 * W10's worker, bundled by the workload (esbuild) and run in Chromium: builds one candidate
 * index from the corpus the page hands it, then answers queries, so every number is taken off
 * the main thread as the app would run it. Candidates: a Dexie token index
 * (dexie/token-index.ts) and SQLite FTS5 on OPFS (`opfs-sahpool` VFS) with three
 * tokenizations: unicode61, trigram, and unicode61 over the app's tokens (Intl.Segmenter words
 * and CJK pairs, tokens.ts).
 */
import sqlite3InitModule, { type Database } from '@sqlite.org/sqlite-wasm';
import { FtsIndex } from '../../../app/src/search/fts-index.ts';
import { SearchDb } from './dexie/search-db.ts';
import { TokenIndex } from './dexie/token-index.ts';
import type { CorpusMessage } from './corpus.ts';

export type Engine = 'dexie' | 'fts5-unicode61' | 'fts5-trigram' | 'fts5-app';

export type WorkerRequest =
  | { kind: 'build'; engine: Engine; messages: CorpusMessage[] }
  | { kind: 'query'; query: string; limit: number };

export type WorkerAnswer =
  | { kind: 'built'; buildMs: number; bytes: number; fileBytes?: number; sqliteVersion?: string }
  | { kind: 'results'; ids: string[]; workerMs: number }
  | { kind: 'failed'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerAnswer): void;
}
const scope = self as unknown as WorkerScope;

interface Candidate {
  query(query: string, limit: number): Promise<string[]>;
}

const BATCH = 1000;

async function buildDexie(messages: CorpusMessage[]): Promise<Candidate> {
  const db = new SearchDb('w10-search');
  const index = new TokenIndex(db);
  for (let i = 0; i < messages.length; i += BATCH) await index.put(messages.slice(i, i + BATCH));
  return {
    async query(query, limit) {
      return (await index.search(query, limit)).map((hit) => hit.row.id);
    },
  };
}

type RawEngine = 'fts5-unicode61' | 'fts5-trigram';
const TOKENIZERS: Record<RawEngine, string> = {
  'fts5-unicode61': 'unicode61 remove_diacritics 2',
  'fts5-trigram': 'trigram remove_diacritics 1',
};

/** FTS5's query for a raw tokenizer: unicode61 words as prefixes (as the app treats them), trigram substrings. */
function rawQuery(engine: RawEngine, query: string): string {
  const quoted = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const words = query.split(/\s+/).filter(Boolean);
  return (engine === 'fts5-trigram' ? words.map(quoted) : words.map((w) => `${quoted(w)}*`)).join(' ');
}

let sqliteVersion = '';

async function openPool(): Promise<Database> {
  const sqlite3 = await sqlite3InitModule();
  sqliteVersion = sqlite3.version.libVersion;
  const pool = await sqlite3.installOpfsSAHPoolVfs({
    name: 'w10-pool',
    directory: '/w10-pool',
    clearOnInit: true,
  });
  return new pool.OpfsSAHPoolDb('/w10.sqlite3');
}

async function buildApp(messages: CorpusMessage[]): Promise<Candidate & { db: Database }> {
  const db = await openPool();
  const index = new FtsIndex(db);
  // One segment document at a time, as the first run reads them (search-engine.ts).
  const segments = new Map<string, CorpusMessage[]>();
  for (const m of messages) {
    const key = `${m.conversationId}:${m.segment}`;
    segments.set(key, [...(segments.get(key) ?? []), m]);
  }
  for (const group of segments.values())
    index.replaceSegment(group[0]!.conversationId, group[0]!.segment, group);
  return {
    db,
    query(query, limit) {
      return Promise.resolve(index.search(query, limit).map((hit) => hit.id));
    },
  };
}

async function buildFts(engine: RawEngine, messages: CorpusMessage[]): Promise<Candidate & { db: Database }> {
  const db = await openPool();
  db.exec(`
    CREATE TABLE messages (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, conversation TEXT NOT NULL,
      segment INTEGER NOT NULL, author TEXT NOT NULL, sent_at INTEGER NOT NULL, text TEXT NOT NULL);
    CREATE VIRTUAL TABLE fts USING fts5(body, content='', contentless_delete=1, tokenize='${TOKENIZERS[engine]}');
  `);
  const insertRow = db.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertFts = db.prepare('INSERT INTO fts (rowid, body) VALUES (?, ?)');
  for (let i = 0; i < messages.length; i += BATCH) {
    db.exec('BEGIN');
    for (const m of messages.slice(i, i + BATCH)) {
      // rowid = send time: FTS5 walks rowids in order, so ORDER BY rowid DESC is newest first.
      insertRow.bind([m.sentAt, m.id, m.conversationId, m.segment, m.author, m.sentAt, m.text]).stepReset();
      insertFts.bind([m.sentAt, m.text]).stepReset();
    }
    db.exec('COMMIT');
  }
  insertRow.finalize();
  insertFts.finalize();
  const select = db.prepare(
    'SELECT m.id FROM messages m WHERE m.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY m.rowid DESC',
  );
  return {
    db,
    query(query, limit) {
      const ids: string[] = [];
      select.bind([rawQuery(engine, query), limit]);
      while (select.step()) ids.push(select.get(0) as string);
      select.reset();
      return Promise.resolve(ids);
    },
  };
}

async function usage(): Promise<number> {
  const estimate = await navigator.storage.estimate();
  return estimate.usage ?? 0;
}

let candidate: Candidate | null = null;

scope.onmessage = (event) => {
  const request = event.data;
  void (async () => {
    try {
      if (request.kind === 'build') {
        const before = await usage();
        const started = performance.now();
        if (request.engine === 'dexie') {
          candidate = await buildDexie(request.messages);
          const buildMs = performance.now() - started;
          // What the origin's storage grew by: IndexedDB's files as they are on disk.
          scope.postMessage({ kind: 'built', buildMs, bytes: (await usage()) - before });
          return;
        }
        const fts =
          request.engine === 'fts5-app'
            ? await buildApp(request.messages)
            : await buildFts(request.engine, request.messages);
        const buildMs = performance.now() - started;
        const fileBytes =
          Number(fts.db.selectValue('PRAGMA page_count')) * Number(fts.db.selectValue('PRAGMA page_size'));
        candidate = fts;
        scope.postMessage({
          kind: 'built',
          buildMs,
          bytes: (await usage()) - before,
          fileBytes,
          sqliteVersion,
        });
        return;
      }
      if (!candidate) throw new Error('query before build');
      const started = performance.now();
      const ids = await candidate.query(request.query, request.limit);
      scope.postMessage({ kind: 'results', ids, workerMs: performance.now() - started });
    } catch (error) {
      scope.postMessage({
        kind: 'failed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  })();
};
