import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isErrorEnvelope } from '@messenjo/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { MIGRATIONS, migrate, openDatabase } from './db/index.ts';
import { silentLogger } from './logger.ts';
import { createServices } from './services.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-app-'));
const staticDir = path.join(dir, 'static');
mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(path.join(staticDir, 'assets', 'main-abc123.js'), 'console.log(1)');
const db = openDatabase(path.join(dir, 'db.sqlite'));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function appWith(options: { migrated: boolean }) {
  if (options.migrated) migrate(db, MIGRATIONS);
  return createApp({
    services: createServices({ db, logger: silentLogger }),
    staticDir,
    publicUrl: () => new URL('https://chat.example.org'),
    version: '1.2.3',
  });
}

describe('createApp', () => {
  it('reports not ready until migrations are applied, then ready', async () => {
    const before = await appWith({ migrated: false }).request('/readyz');
    expect(before.status).toBe(503);
    const after = await appWith({ migrated: true }).request('/readyz');
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: 'ready' });
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
