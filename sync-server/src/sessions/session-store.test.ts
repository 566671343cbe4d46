import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, openDatabase, type Db } from '../db/index.ts';
import { createEventBus, type ServerEvent } from '../events/bus.ts';
import { EXPIRED_SESSION_KEPT_MS, SESSION_LIFETIME_MS, SessionStore } from './session-store.ts';
import { sessionIdFromToken } from './tokens.ts';

let dir: string;
let db: Db;
let now: number;
let events: ServerEvent[];
let store: SessionStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-sessions-'));
  db = openDatabase(path.join(dir, 'db.sqlite'));
  migrate(db, MIGRATIONS);
  for (const id of ['u_alice', 'u_bob']) {
    db.prepare('INSERT INTO users (id, created_at) VALUES (?, ?)').run(id, 0);
  }
  now = 1_000_000;
  events = [];
  const bus = createEventBus(() => {});
  bus.subscribe('session.revoked', (e) => events.push(e));
  store = new SessionStore(db, bus, () => now);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SessionStore', () => {
  it('stores only the hash of the token', () => {
    const { token, session } = store.create('u_alice', 'Firefox');
    expect(session.id).toBe(sessionIdFromToken(token));
    const stored = db.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('validates a live token and refuses unknown or malformed ones', () => {
    const { token } = store.create('u_alice', '');
    expect(store.validate(token)?.session.userId).toBe('u_alice');
    expect(store.validate('a'.repeat(32))).toBeNull();
    expect(store.validate("' OR 1=1 --")).toBeNull();
  });

  it('[SE1] expires after its lifetime, and its token is told expired, not revoked', () => {
    const { token, session } = store.create('u_alice', '');
    expect(store.expiredSessionId(token)).toBeNull();
    now += SESSION_LIFETIME_MS;
    expect(store.validate(token)).toBeNull();
    expect(store.expiredSessionId(token)).toBe(session.id);
    expect(store.listForUser('u_alice')).toEqual([]);
    expect(events).toEqual([]);
    // Revoking it (sign-out, "everywhere else") turns it into an unknown token like any revoked one.
    expect(store.revoke(session.id)).toBe(true);
    expect(store.expiredSessionId(token)).toBeNull();
  });

  it("[SE1] never calls a revoked, unknown or deleted user's token expired", () => {
    const revoked = store.create('u_alice', '');
    store.revoke(revoked.session.id);
    const deleted = store.create('u_bob', '');
    db.prepare('UPDATE users SET deleted_at = 1 WHERE id = ?').run('u_bob');
    now += SESSION_LIFETIME_MS;
    expect(store.expiredSessionId(revoked.token)).toBeNull();
    expect(store.expiredSessionId(deleted.token)).toBeNull();
    expect(store.expiredSessionId('a'.repeat(32))).toBeNull();
    expect(store.expiredSessionId("' OR 1=1 --")).toBeNull();
  });

  it('[SE2] keeps an expired row EXPIRED_SESSION_KEPT_MS, then the next sign-in of its user drops it', () => {
    const old = store.create('u_alice', '');
    const bobs = store.create('u_bob', '');
    now += SESSION_LIFETIME_MS + EXPIRED_SESSION_KEPT_MS - 1;
    store.create('u_alice', '');
    expect(store.expiredSessionId(old.token)).toBe(old.session.id);
    now += 2;
    store.create('u_alice', '');
    expect(store.expiredSessionId(old.token)).toBeNull();
    // Only that user's rows: Bob's device still hears "expired" when it comes back.
    expect(store.expiredSessionId(bobs.token)).toBe(bobs.session.id);
  });

  it('lives as long as it is configured, renewed once half of that is left', () => {
    const short = new SessionStore(
      db,
      createEventBus(() => {}),
      () => now,
      10_000,
    );
    const { token, session } = short.create('u_alice', '');
    expect(session.expiresAt).toBe(now + 10_000);
    now += 4_000;
    expect(short.validate(token)?.renewed).toBe(false);
    now += 2_000;
    expect(short.validate(token)?.session.expiresAt).toBe(now + 10_000);
    now += 10_000;
    expect(short.validate(token)).toBeNull();
    expect(short.expiredSessionId(token)).toBe(session.id);
  });

  it('renews the expiry once less than half the lifetime remains', () => {
    const { token, session } = store.create('u_alice', '');
    now += SESSION_LIFETIME_MS / 4;
    expect(store.validate(token)?.renewed).toBe(false);
    now += SESSION_LIFETIME_MS / 2;
    const renewed = store.validate(token);
    expect(renewed?.renewed).toBe(true);
    expect(renewed?.session.expiresAt).toBe(now + SESSION_LIFETIME_MS);
    expect(renewed!.session.expiresAt).toBeGreaterThan(session.expiresAt);
    // Still valid well past the original expiry because it was used.
    now = session.expiresAt + 1000;
    expect(store.validate(token)).not.toBeNull();
  });

  it('revokes one session and announces it', () => {
    const a = store.create('u_alice', '');
    expect(store.revoke(a.session.id)).toBe(true);
    expect(store.revoke(a.session.id)).toBe(false);
    expect(store.validate(a.token)).toBeNull();
    expect(events).toEqual([{ type: 'session.revoked', userId: 'u_alice', sessionId: a.session.id }]);
  });

  it('signs out everywhere else, keeping the current device and other users', () => {
    const current = store.create('u_alice', 'laptop');
    const phone = store.create('u_alice', 'phone');
    const tablet = store.create('u_alice', 'tablet');
    const bob = store.create('u_bob', 'bob');
    expect(store.revokeAllExcept('u_alice', current.session.id)).toBe(2);
    expect(store.validate(current.token)).not.toBeNull();
    expect(store.validate(phone.token)).toBeNull();
    expect(store.validate(tablet.token)).toBeNull();
    expect(store.validate(bob.token)).not.toBeNull();
    expect(events.map((e) => (e.type === 'session.revoked' ? e.sessionId : '')).sort()).toEqual(
      [phone.session.id, tablet.session.id].sort(),
    );
  });

  it('refuses sessions of a deleted user', () => {
    const { token } = store.create('u_alice', '');
    db.prepare('UPDATE users SET deleted_at = 1 WHERE id = ?').run('u_alice');
    expect(store.validate(token)).toBeNull();
  });
});
