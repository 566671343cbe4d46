import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { isErrorEnvelope, type ReadinessResponse } from '@messenjo/shared';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createApp } from './app.ts';
import { MIGRATIONS, migrate, openDatabase, SqliteDatabase } from './db/index.ts';
import { silentLogger } from './logger.ts';
import { createServices, type Services } from './services.ts';
import type { CommitWorkerData } from './sync/store/commit-worker-protocol.ts';
import { spawnCommitWorker } from './sync/store/spawn-commit-worker.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-app-'));
const staticDir = path.join(dir, 'static');
mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(path.join(staticDir, 'assets', 'main-abc123.js'), 'console.log(1)');
const db = openDatabase(path.join(dir, 'db.sqlite'));
const stores: Services[] = [];
afterAll(async () => {
  await Promise.all(stores.map((services) => services.docStore.close()));
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function appWith(options: { migrated: boolean; spawnCommitWorker?: (data: CommitWorkerData) => Worker }) {
  if (options.migrated) migrate(db, MIGRATIONS);
  const services = createServices({
    database: new SqliteDatabase(db),
    documentsDb: db,
    logger: silentLogger,
    spawnCommitWorker: options.spawnCommitWorker,
  });
  stores.push(services);
  const app = createApp({
    services,
    staticDir,
    publicUrl: () => new URL('https://chat.example.org'),
    version: '1.2.3',
  });
  return Object.assign(app, { services });
}

async function readiness(app: { request: (path: string) => Response | Promise<Response> }) {
  const response = await app.request('/readyz');
  return { status: response.status, body: (await response.json()) as ReadinessResponse };
}

// The commit worker runs from source here: its thread compiles TypeScript first (seconds on a busy machine).
describe('createApp', { timeout: 30_000 }, () => {
  it('reports not ready until migrations are applied, then ready', async () => {
    const before = await appWith({ migrated: false }).request('/readyz');
    expect(before.status).toBe(503);
    const app = appWith({ migrated: true });
    app.services.commitWorker?.start();
    await vi.waitFor(async () => expect((await readiness(app)).status).toBe(200), { timeout: 20_000 });
    expect((await readiness(app)).body).toMatchObject({ status: 'ready', checks: { commits: 'ok' } });
  });

  it('reports not ready (503, not_ready) while the commit worker starts or restarts, and ready once it is back', async () => {
    const workers: Worker[] = [];
    const app = appWith({
      migrated: true,
      spawnCommitWorker: (data) => {
        const worker = spawnCommitWorker(data);
        workers.push(worker);
        return worker;
      },
    });
    app.services.commitWorker?.start();
    const starting = await readiness(app);
    expect(starting.status).toBe(503);
    expect(isErrorEnvelope(starting.body)).toBe(true);
    expect(starting.body).toMatchObject({
      status: 'not_ready',
      checks: { database: 'ok', commits: 'starting' },
      error: { code: 'not_ready' },
    });
    await vi.waitFor(async () => expect((await readiness(app)).status).toBe(200), { timeout: 20_000 });

    // The thread dies (as on a crash): not ready until a new one has opened the database, with no commit asked of it.
    await workers[0]!.terminate();
    const restarting = await readiness(app);
    expect(restarting.status).toBe(503);
    expect(restarting.body.checks.commits).toBe('restarting');
    await vi.waitFor(async () => expect((await readiness(app)).status).toBe(200), { timeout: 20_000 });
    expect(workers).toHaveLength(2);
    await app.services.docStore.appendBatch([
      { docId: 'conv:c:seg:0', data: new Uint8Array([1]), userId: 'u', newClients: [] },
    ]);
    expect((await readiness(app)).body.checks.commits).toBe('ok');
  });

  it('answers unknown API routes and methods with the JSON envelope', async () => {
    const app = appWith({ migrated: true });
    for (const [method, url] of [
      ['GET', '/api/nope'],
      ['DELETE', '/api/users/1'],
      ['POST', '/healthz'],
    ] as const) {
      // Same-origin, so the cross-site check (which runs first) lets it reach routing.
      const response = await app.request(url, { method, headers: { origin: 'https://chat.example.org' } });
      expect(response.status).toBe(404);
      expect(isErrorEnvelope(await response.json())).toBe(true);
    }
  });

  it('allows the sync socket of the public origin in the CSP and sets HSTS over https', async () => {
    const response = await appWith({ migrated: true }).request('/');
    expect(response.headers.get('content-security-policy')).toContain(
      "connect-src 'self' wss://chat.example.org",
    );
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  it('serves HEAD for assets without a body', async () => {
    const response = await appWith({ migrated: true }).request('/assets/main-abc123.js', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('14');
    expect(await response.text()).toBe('');
  });
});
