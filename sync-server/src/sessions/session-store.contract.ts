import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import type { ScratchDatabase } from '../db/scratch-sqlite.ts';
import { createEventBus, type ServerEvent } from '../events/bus.ts';
import { SESSION_LIFETIME_MS, SessionStore } from './session-store.ts';
import { sessionIdFromToken } from './tokens.ts';

/** The session store's contract: run against SQLite and PostgreSQL. */
export function sessionStoreContract(open: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  let database: Database;
  let now: number;
  let events: ServerEvent[];
  let store: SessionStore;
  beforeEach(async () => {
    scratch = await open();
    database = scratch.database;
    for (const id of ['u_alice', 'u_bob']) {
      await database.run('INSERT INTO users (id, created_at) VALUES (?, ?)', [id, 0]);
    }
    now = 1_000_000;
    events = [];
    const bus = createEventBus(() => {});
    bus.subscribe('session.revoked', (e) => events.push(e));
    store = new SessionStore(database, bus, () => now);
  });
  afterEach(() => scratch.close());

  describe('SessionStore', () => {
    it('stores only the hash of the token', async () => {
      const { token, session } = await store.create('u_alice', 'Firefox');
      expect(session.id).toBe(sessionIdFromToken(token));
      const stored = await database.all<Record<string, unknown>>('SELECT * FROM sessions');
      expect(JSON.stringify(stored)).not.toContain(token);
    });

    it('validates a live token and refuses unknown or malformed ones', async () => {
      const { token } = await store.create('u_alice', '');
      expect((await store.validate(token))?.session.userId).toBe('u_alice');
      expect(await store.validate('a'.repeat(32))).toBeNull();
      expect(await store.validate("' OR 1=1 --")).toBeNull();
    });

    it('expires after its lifetime and deletes the row', async () => {
      const { token } = await store.create('u_alice', '');
      now += SESSION_LIFETIME_MS;
      expect(await store.validate(token)).toBeNull();
      expect(await database.get('SELECT COUNT(*) AS n FROM sessions')).toEqual({ n: 0 });
    });

    it('renews the expiry once less than half the lifetime remains', async () => {
      const { token, session } = await store.create('u_alice', '');
      now += SESSION_LIFETIME_MS / 4;
      expect((await store.validate(token))?.renewed).toBe(false);
      now += SESSION_LIFETIME_MS / 2;
      const renewed = await store.validate(token);
      expect(renewed?.renewed).toBe(true);
      expect(renewed?.session.expiresAt).toBe(now + SESSION_LIFETIME_MS);
      expect(renewed!.session.expiresAt).toBeGreaterThan(session.expiresAt);
      // Still valid well past the original expiry because it was used.
      now = session.expiresAt + 1000;
      expect(await store.validate(token)).not.toBeNull();
    });

    it('revokes one session and announces it', async () => {
      const a = await store.create('u_alice', '');
      expect(await store.revoke(a.session.id)).toBe(true);
      expect(await store.revoke(a.session.id)).toBe(false);
      expect(await store.validate(a.token)).toBeNull();
      expect(events).toEqual([{ type: 'session.revoked', userId: 'u_alice', sessionId: a.session.id }]);
    });

    it('signs out everywhere else, keeping the current device and other users', async () => {
      const current = await store.create('u_alice', 'laptop');
      const phone = await store.create('u_alice', 'phone');
      const tablet = await store.create('u_alice', 'tablet');
      const bob = await store.create('u_bob', 'bob');
      expect(await store.revokeAllExcept('u_alice', current.session.id)).toBe(2);
      expect(await store.validate(current.token)).not.toBeNull();
      expect(await store.validate(phone.token)).toBeNull();
      expect(await store.validate(tablet.token)).toBeNull();
      expect(await store.validate(bob.token)).not.toBeNull();
      expect(events.map((e) => (e.type === 'session.revoked' ? e.sessionId : '')).sort()).toEqual(
        [phone.session.id, tablet.session.id].sort(),
      );
    });

    it('refuses sessions of a deleted user', async () => {
      const { token } = await store.create('u_alice', '');
      await database.run('UPDATE users SET deleted_at = 1 WHERE id = ?', ['u_alice']);
      expect(await store.validate(token)).toBeNull();
    });
  });

  it('keeps one live row per session under concurrent validations and revocations', async () => {
    const sessions = await Promise.all(['a', 'b', 'c', 'd'].map((ua) => store.create('u_alice', ua)));
    now += SESSION_LIFETIME_MS * 0.9; // every validation renews
    const results = await Promise.all([
      ...sessions.map((s) => store.validate(s.token)),
      store.revokeAllExcept('u_alice', sessions[0]!.session.id),
    ]);
    expect(results.at(-1)).toBeGreaterThanOrEqual(0);
    expect((await store.listForUser('u_alice')).map((s) => s.id)).toEqual([sessions[0]!.session.id]);
    expect(await store.validate(sessions[0]!.token)).not.toBeNull();
  });
}
