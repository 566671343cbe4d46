import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../harness/browser.ts';
import { makeCorpus, type CorpusQuery } from '../search/corpus.ts';
import type { Engine, WorkerAnswer } from '../search/w10-worker.ts';
import { percentile } from '../stats.ts';
import type { Measurement, Workload } from './types.ts';

/**
 * W10 (docs/benchmarks.md): 50,000 messages on the device, indexed for full-text search in a worker in
 * Chromium, by each candidate (w10-worker.ts): index size, build time, the time of a query for a
 * common and a rare word (from the main thread's postMessage to the answer), and how many of
 * the Chinese and Japanese messages each finds. Every candidate runs in one browser profile
 * profile on disk (not an incognito context, whose IndexedDB and OPFS live in memory), each on
 * its own origin.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const ENGINES: Engine[] = ['dexie', 'fts5-unicode61', 'fts5-trigram', 'fts5-app'];
/** Timed repetitions of each query after one untimed warm-up. */
const REPEATS = 20;
const PAGE = 50;

async function bundle(into: string): Promise<void> {
  await build({
    entryPoints: [path.join(here, '../search/w10-page.ts'), path.join(here, '../search/w10-worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: into,
    logLevel: 'error',
  });
  const wasm = createRequire(import.meta.url).resolve('@sqlite.org/sqlite-wasm/sqlite3.wasm');
  copyFileSync(wasm, path.join(into, 'sqlite3.wasm'));
  writeFileSync(
    path.join(into, 'index.html'),
    '<!doctype html><meta charset="utf-8"><script type="module" src="./w10-page.js"></script>',
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Serves the folder on 127.0.0.1 (a secure context, as OPFS needs) on a port the OS picks. */
async function serve(folder: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname) || 'index.html';
    try {
      const body = readFileSync(path.join(folder, name));
      res.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/`, server };
}

interface PageApi {
  build(engine: Engine): Promise<WorkerAnswer>;
  query(text: string, limit: number): Promise<{ ids: string[]; ms: number; workerMs: number }>;
}

async function runEngine(
  context: BrowserContext,
  url: string,
  engine: Engine,
  queries: CorpusQuery[],
  repeats: number,
  progress: (detail: string) => void,
): Promise<Measurement[]> {
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'w10' in globalThis);
    progress(`${engine}: indexing`);
    const built = await page.evaluate(
      (e) => (globalThis as unknown as { w10: PageApi }).w10.build(e),
      engine,
    );
    if (built.kind !== 'built')
      throw new Error(`${engine}: ${built.kind === 'failed' ? built.message : built.kind}`);
    const out: Measurement[] = [
      { metric: `${engine}: build`, value: built.buildMs / 1000, unit: 's' },
      { metric: `${engine}: storage used`, value: built.bytes / 2 ** 20, unit: 'MB' },
    ];
    if (built.fileBytes !== undefined)
      out.push({
        metric: `${engine}: database file (SQLite ${built.sqliteVersion})`,
        value: built.fileBytes / 2 ** 20,
        unit: 'MB',
      });
    for (const q of queries) {
      progress(`${engine}: ${q.name}`);
      const run = (limit: number) =>
        page.evaluate(([text, n]) => (globalThis as unknown as { w10: PageApi }).w10.query(text, n), [
          q.query,
          limit,
        ] as const);
      const all = await run(1_000_000);
      await run(PAGE);
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) times.push((await run(PAGE)).ms);
      const sorted = times.sort((a, b) => a - b);
      out.push(
        { metric: `${engine}: ${q.name} p50`, value: percentile(sorted, 50), unit: 'ms' },
        { metric: `${engine}: ${q.name} p95`, value: percentile(sorted, 95), unit: 'ms', budget: '≤ 30' },
        // Found among the messages that contain it (a prefix may find more: "the" finds "there").
        {
          metric: `${engine}: ${q.name} found (of ${q.expected})`,
          value: (100 * Math.min(all.ids.length, q.expected)) / Math.max(1, q.expected),
          unit: '%',
        },
      );
    }
    return out;
  } finally {
    await page.close();
  }
}

export const w10Search: Workload = {
  id: 'W10',
  title: 'full-text search over 50,000 messages on the device (Chromium, worker)',
  rounds: 1,
  deviceOnly: true,
  async run(_target, { scale, progress }) {
    const total = Math.max(2000, Math.round(50_000 * scale));
    const { messages, queries } = makeCorpus(total);
    const folder = mkdtempSync(path.join(os.tmpdir(), 'w10-page-'));
    mkdirSync(folder, { recursive: true });
    try {
      await bundle(folder);
      writeFileSync(path.join(folder, 'corpus.json'), JSON.stringify(messages));
      const profile = mkdtempSync(path.join(os.tmpdir(), 'w10-profile-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        headless: true,
      });
      const servers: Server[] = [];
      try {
        const out: Measurement[] = [];
        for (const engine of ENGINES) {
          // Each candidate on its own port: its own origin, so its own storage and storage estimate.
          const { url, server } = await serve(folder);
          servers.push(server);
          out.push(...(await runEngine(context, url, engine, queries, scale < 1 ? 10 : REPEATS, progress)));
        }
        return out;
      } finally {
        await context.close();
        for (const server of servers) server.close();
        rmSync(profile, { recursive: true, force: true });
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
