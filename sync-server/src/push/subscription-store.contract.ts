import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import type { ScratchDatabase } from '../db/scratch-sqlite.ts';
import { SqlPushSubscriptionStore, type StoredPushSubscription } from './subscription-store.ts';

/** The push subscriptions' contract: run against SQLite and PostgreSQL. */
export function pushSubscriptionStoreContract(open: () => Promise<ScratchDatabase>): void {
  const NOW = 1_000_000;
  let scratch: ScratchDatabase;
  let database: Database;
  let store: SqlPushSubscriptionStore;

  async function session(id: string, userId: string, expiresAt = NOW + 86_400_000): Promise<void> {
    await database.run(
      'INSERT INTO sessions (id, user_id, created_at, expires_at, last_active_at, user_agent) VALUES (?, ?, 0, ?, 0, ?)',
      [id, userId, expiresAt, 'test'],
    );
  }
  const subscription = (sessionId: string, userId: string, device: string): StoredPushSubscription => ({
    sessionId,
    userId,
    endpoint: `https://push.example/${device}`,
    p256dh: `key-${device}`,
    auth: `secret-${device}`,
    createdAt: 10,
  });

  beforeEach(async () => {
    scratch = await open();
    database = scratch.database;
    for (const id of ['u_ann', 'u_ben']) {
      await database.run('INSERT INTO users (id, created_at) VALUES (?, ?)', [id, 0]);
    }
    await session('s_ann_phone', 'u_ann');
    await session('s_ben_phone', 'u_ben');
    await session('s_ben_laptop', 'u_ben');
    store = new SqlPushSubscriptionStore(database);
  });
  afterEach(() => scratch.close());

  describe('push subscriptions', () => {
    it('keeps one subscription per device session; a new endpoint replaces it, the same one keeps its date', async () => {
      await store.put(subscription('s_ben_phone', 'u_ben', 'phone-1'));
      await store.put({ ...subscription('s_ben_phone', 'u_ben', 'phone-1'), createdAt: 20 });
      expect(await store.forSession('s_ben_phone')).toMatchObject({
        endpoint: 'https://push.example/phone-1',
        createdAt: 10,
      });
      await store.put({ ...subscription('s_ben_phone', 'u_ben', 'phone-2'), createdAt: 30 });
      expect(await store.forSession('s_ben_phone')).toMatchObject({
        endpoint: 'https://push.example/phone-2',
        createdAt: 30,
      });
      expect(await database.get('SELECT COUNT(*) AS n FROM push_subscriptions')).toEqual({ n: 1 });
    });

    it('moves an endpoint to the session that claims it last, even when two claim it at once', async () => {
      await store.put(subscription('s_ben_phone', 'u_ben', 'shared'));
      await store.put(subscription('s_ben_laptop', 'u_ben', 'shared'));
      expect(await store.forSession('s_ben_phone')).toBeUndefined();
      expect((await store.forSession('s_ben_laptop'))?.endpoint).toBe('https://push.example/shared');
      // Two sessions racing for one endpoint: it ends on exactly one of them, never refused.
      await Promise.all([
        store.put(subscription('s_ben_phone', 'u_ben', 'raced')),
        store.put(subscription('s_ann_phone', 'u_ann', 'raced')),
      ]);
      const holders = await database.all<{ session_id: string }>(
        'SELECT session_id FROM push_subscriptions WHERE endpoint = ?',
        ['https://push.example/raced'],
      );
      expect(holders).toHaveLength(1);
    });

    it("finds the subscriptions of users' live sessions only, for any number of users", async () => {
      await store.put(subscription('s_ann_phone', 'u_ann', 'ann'));
      await store.put(subscription('s_ben_phone', 'u_ben', 'ben-phone'));
      await store.put(subscription('s_ben_laptop', 'u_ben', 'ben-laptop'));
      await session('s_ben_old', 'u_ben', NOW - 1);
      await store.put(subscription('s_ben_old', 'u_ben', 'ben-old'));
      const many = ['u_ben', ...Array.from({ length: 1_200 }, (_, i) => `u_nobody_${i}`)];
      const found = (await store.forUsers(many, NOW)).map((s) => s.endpoint).sort();
      expect(found).toEqual(['https://push.example/ben-laptop', 'https://push.example/ben-phone']);
      expect(await store.forUsers([], NOW)).toEqual([]);
    });

    it('removes by session and by endpoint, and goes with its session', async () => {
      await store.put(subscription('s_ann_phone', 'u_ann', 'ann'));
      await store.put(subscription('s_ben_phone', 'u_ben', 'ben-phone'));
      await store.put(subscription('s_ben_laptop', 'u_ben', 'ben-laptop'));
      expect(await store.removeSession('s_ann_phone')).toBe(true);
      expect(await store.removeSession('s_ann_phone')).toBe(false);
      expect(await store.removeEndpoint('https://push.example/ben-phone')).toBe(true);
      expect(await store.removeEndpoint('https://push.example/ben-phone')).toBe(false);
      await database.run('DELETE FROM sessions WHERE id = ?', ['s_ben_laptop']);
      expect(await store.forSession('s_ben_laptop')).toBeUndefined();
    });
  });
}
