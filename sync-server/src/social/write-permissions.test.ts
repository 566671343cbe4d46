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
    return allowed.has(`${userId}/${conversationId}`);
  });
  return { bus, allowed, asked, permissions };
}

describe('WritePermissions', () => {
  it('[LA3] asks the social graph once per (conversation, user) and answers from memory after', () => {
    const { asked, permissions } = setup();
    for (let i = 0; i < 3; i++) {
      expect(permissions.canWrite('alice', 'c1')).toBe(true);
      expect(permissions.canWrite('carol', 'c1')).toBe(false);
    }
    expect(asked).toEqual(['alice/c1', 'carol/c1']);
  });

  it('[LA3] a membership change drops that user’s answer for that conversation only', () => {
    const { bus, allowed, asked, permissions } = setup();
    permissions.canWrite('alice', 'c1');
    permissions.canWrite('bob', 'c1');
    permissions.canWrite('alice', 'dm');
    allowed.delete('alice/c1');
    bus.publish({ type: 'membership.changed', conversationId: 'c1', userId: 'alice', change: 'removed' });
    expect(permissions.canWrite('alice', 'c1')).toBe(false);
    expect(permissions.canWrite('bob', 'c1')).toBe(true);
    expect(permissions.canWrite('alice', 'dm')).toBe(true);
    expect(asked).toEqual(['alice/c1', 'bob/c1', 'alice/dm', 'alice/c1']);
  });

  it('[LA3] a relationship change drops both users’ answers (their direct conversation may have closed)', () => {
    const { bus, allowed, asked, permissions } = setup();
    permissions.canWrite('alice', 'dm');
    permissions.canWrite('bob', 'c1');
    allowed.delete('alice/dm');
    bus.publish({ type: 'relationship.changed', userIds: ['alice', 'bob'] });
    expect(permissions.canWrite('alice', 'dm')).toBe(false);
    expect(permissions.canWrite('bob', 'c1')).toBe(true);
    expect(asked).toEqual(['alice/dm', 'bob/c1', 'alice/dm', 'bob/c1']);
  });

  it('stops listening once disposed', () => {
    const { bus, asked, permissions } = setup();
    permissions.canWrite('alice', 'c1');
    permissions.dispose();
    bus.publish({ type: 'membership.changed', conversationId: 'c1', userId: 'alice', change: 'removed' });
    permissions.canWrite('alice', 'c1');
    expect(asked).toEqual(['alice/c1']);
  });
});
