import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { MIGRATIONS, migrate, openDatabase, SqliteDatabase } from '../../db/index.ts';
import { silentLogger } from '../../logger.ts';
import { createServices } from '../../services.ts';
import { EXPIRED_SESSION_KEPT_MS, SESSION_LIFETIME_MS } from '../../sessions/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-session-mw-'));
const db = openDatabase(path.join(dir, 'db.sqlite'));
migrate(db, MIGRATIONS);
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

let now = 1_700_000_000_000;
const services = createServices({
  database: new SqliteDatabase(db),
  documentsDb: db,
  logger: silentLogger,
  now: () => now,
});
const app = createApp({
  services,
  staticDir: dir,
  publicUrl: () => new URL('https://chat.example.org'),
  version: '0.0.0',
});
const user = await services.accounts.users.create({ displayName: 'Ann', username: 'ann' });

const me = (token: string) =>
  app.request('/api/me', { headers: { cookie: `__Host-messenjo_session=${token}` } });

describe('session middleware', () => {
  it('puts the user on the request and leaves a fresh session cookie alone', async () => {
    const { token } = await services.sessions.create(user.id, 'test');
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { username: string }).username).toBe('ann');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('renews a session used after half its lifetime and sends the cookie again with the new expiry', async () => {
    const { token } = await services.sessions.create(user.id, 'test');
    now += 20 * DAY_MS;
    const response = await me(token);
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().join('\n');
    expect(cookie).toContain(`__Host-messenjo_session=${token}`);
    // SE2: the cookie outlives the session, so the device hears "expired" after it.
    const cookieExpiry = now + SESSION_LIFETIME_MS + EXPIRED_SESSION_KEPT_MS;
    expect(cookie).toContain(`Expires=${new Date(cookieExpiry).toUTCString()}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('[SE1] answers an expired session with 401 session_expired and keeps its cookie', async () => {
    const { token } = await services.sessions.create(user.id, 'test');
    now += SESSION_LIFETIME_MS + 1;
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('session_expired');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('[SE3] answers a revoked session with 401 unauthenticated and leaves the cookie alone', async () => {
    // As after a sign-in that replaced it: this answer may reach the browser after the new
    // cookie was set, and a clearing Set-Cookie would delete the new one.
    const { token, session } = await services.sessions.create(user.id, 'test');
    await services.sessions.revoke(session.id);
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});
