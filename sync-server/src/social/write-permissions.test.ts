import { describe, expect, it } from 'vitest';
import { createEventBus } from '../events/bus.ts';
import { WritePermissions } from './write-permissions.ts';

function setup() {
  const bus = createEventBus((err) => {
    throw err;
  });
  const allowed = new Set(['alice/c1', 'bob/c1', 'alice/dm']);
  const asked: string[] = [];
  const permissions = new WritePermissions(bus, (userId, conversationId) => {
    asked.push(`${userId}/${conversationId}`);
    return Promise.resolve(allowed.has(`${userId}/${conversationId}`));
  });
  return { bus, allowed, asked, permissions };
}

describe('WritePermissions', () => {
  it('[LA3] asks the social graph once per (conversation, user) and answers from memory after', async () => {
    const { asked, permissions } = setup();
    for (let i = 0; i < 3; i++) {
      expect(await permissions.canWrite('alice', 'c1')).toBe(true);
      expect(await permissions.canWrite('carol', 'c1')).toBe(false);
    }
    expect(asked).toEqual(['alice/c1', 'carol/c1']);
  });

  it('[LA3] a membership change drops that user’s answer for that conversation only', async () => {
    const { bus, allowed, asked, permissions } = setup();
    await permissions.canWrite('alice', 'c1');
    await permissions.canWrite('bob', 'c1');
    await permissions.canWrite('alice', 'dm');
    allowed.delete('alice/c1');
    bus.publish({ type: 'membership.changed', conversationId: 'c1', userId: 'alice', change: 'removed' });
    expect(await permissions.canWrite('alice', 'c1')).toBe(false);
    expect(await permissions.canWrite('bob', 'c1')).toBe(true);
    expect(await permissions.canWrite('alice', 'dm')).toBe(true);
    expect(asked).toEqual(['alice/c1', 'bob/c1', 'alice/dm', 'alice/c1']);
  });

  it('[LA3] a relationship change drops both users’ answers (their direct conversation may have closed)', async () => {
    const { bus, allowed, asked, permissions } = setup();
    await permissions.canWrite('alice', 'dm');
    await permissions.canWrite('bob', 'c1');
    allowed.delete('alice/dm');
    bus.publish({ type: 'relationship.changed', userIds: ['alice', 'bob'] });
    expect(await permissions.canWrite('alice', 'dm')).toBe(false);
    expect(await permissions.canWrite('bob', 'c1')).toBe(true);
    expect(asked).toEqual(['alice/dm', 'bob/c1', 'alice/dm', 'bob/c1']);
  });

  it('[LA3] answers from memory once read, and never keeps a read that a change overtook', async () => {
    const { bus, allowed, asked, permissions } = setup();
    const first = permissions.canWrite('alice', 'c1');
    expect(first).toBeInstanceOf(Promise);
    // Two updates at once read once.
    expect(permissions.canWrite('alice', 'c1')).toBe(first);
    expect(await first).toBe(true);
    expect(permissions.canWrite('alice', 'c1')).toBe(true);
    const stale = permissions.canWrite('bob', 'c1');
    allowed.delete('bob/c1');
    bus.publish({ type: 'membership.changed', conversationId: 'c1', userId: 'bob', change: 'removed' });
    expect(await stale).toBe(true); // read before the change committed
    expect(await permissions.canWrite('bob', 'c1')).toBe(false); // not kept: read again
    expect(asked).toEqual(['alice/c1', 'bob/c1', 'bob/c1']);
  });

  it('stops listening once disposed', async () => {
    const { bus, asked, permissions } = setup();
    await permissions.canWrite('alice', 'c1');
    permissions.dispose();
    bus.publish({ type: 'membership.changed', conversationId: 'c1', userId: 'alice', change: 'removed' });
    await permissions.canWrite('alice', 'c1');
    expect(asked).toEqual(['alice/c1']);
  });
});
