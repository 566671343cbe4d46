import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import type { ScratchDatabase } from '../db/scratch-sqlite.ts';
import { createEventBus, type ServerEvent } from '../events/bus.ts';
import { MembershipStore } from './membership-store.ts';

/** How the sync engine reads memberships (and how tests seed them): run against SQLite and PostgreSQL. */
export function membershipStoreContract(open: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  let db: Database;
  let store: MembershipStore;
  let events: ServerEvent[];
  beforeEach(async () => {
    scratch = await open();
    db = scratch.database;
    for (const id of ['u_ann', 'u_ben'])
      await db.run('INSERT INTO users (id, created_at) VALUES (?, ?)', [id, 0]);
    const bus = createEventBus(() => {});
    events = [];
    bus.subscribe('membership.changed', (e) => events.push(e));
    store = new MembershipStore(db, bus, () => 5);
  });
  afterEach(() => scratch.close());

  describe('MembershipStore', () => {
    it('[SUB2] answers the roles of many conversations in one query, current members only', async () => {
      const ids = await Promise.all(
        ['a', 'b', 'c'].map((name) => store.createConversation({ kind: 'group', name, createdBy: 'u_ann' })),
      );
      const [a, b, c] = ids as [string, string, string];
      await store.addMember(a, 'u_ann', 'owner');
      await store.addMember(b, 'u_ann', 'member');
      await store.addMember(c, 'u_ann', 'admin');
      await store.setRole(b, 'u_ann', 'admin');
      expect(await store.endMembership(c, 'u_ann', 'left')).toBe(true);
      expect(await store.endMembership(c, 'u_ann', 'left')).toBe(false);
      const roles = await store.activeRoles('u_ann', [a, b, c, 'c_missing']);
      expect(Object.fromEntries(roles)).toEqual({ [a]: 'owner', [b]: 'admin' });
      expect(await store.activeRoles('u_ben', [a, b, c])).toEqual(new Map());
      expect(await store.activeRoles('u_ann', [])).toEqual(new Map());
      expect(events.map((e) => (e.type === 'membership.changed' ? e.change : ''))).toEqual([
        'added',
        'added',
        'added',
        'role',
        'left',
      ]);
    });

    it('re-adds a member who left, with the new role', async () => {
      const id = await store.createConversation({ kind: 'group', name: 'g', createdBy: 'u_ann' });
      await store.addMember(id, 'u_ben', 'admin');
      await store.endMembership(id, 'u_ben', 'removed');
      await store.addMember(id, 'u_ben', 'member');
      expect(await store.activeRoles('u_ben', [id])).toEqual(new Map([[id, 'member']]));
    });
  });
}
