import { describe, expect, it } from 'vitest';
import { SocketRegistry } from './socket-limits.ts';

const socket = (userId: string, sessionId: string) => ({ auth: { userId, sessionId } });
const limits = { maxSocketsPerSession: 2, maxSocketsPerUser: 3, framesPerSecond: 1, frameBurst: 3 };

describe('SocketRegistry', () => {
  it('[LIM2] refuses a session past its cap, then a user past theirs, and frees a place on release', () => {
    const registry = new SocketRegistry(limits);
    const a1 = socket('u', 'a');
    expect(registry.admit(a1)).toBeNull();
    expect(registry.admit(socket('u', 'a'))).toBeNull();
    const refused = socket('u', 'a');
    expect(registry.admit(refused)).toBe('session_socket_limit');
    expect(registry.admit(socket('u', 'b'))).toBeNull();
    expect(registry.admit(socket('u', 'c'))).toBe('user_socket_limit');
    expect(registry.admit(socket('v', 'd'))).toBeNull();
    registry.release(refused); // never admitted: changes nothing
    expect(registry.size).toBe(4);
    registry.release(a1);
    expect(registry.admit(socket('u', 'c'))).toBeNull();
    expect(registry.of('u')).toHaveLength(3);
  });

  it('[LIM3] one frame budget for all of a user’s sockets, none for a user without one', () => {
    const registry = new SocketRegistry(limits);
    registry.admit(socket('u', 'a'));
    registry.admit(socket('u', 'b'));
    registry.admit(socket('v', 'c'));
    expect([1, 2, 3, 4].map(() => registry.takeFrame('u'))).toEqual([true, true, true, false]);
    expect(registry.takeFrame('v')).toBe(true);
    expect(registry.takeFrame('nobody')).toBe(false);
  });

  it('[LIM3] a user whose sockets are on several processes gets a share of the budget on each', () => {
    const shares = new Map([['u', 3]]);
    const registry = new SocketRegistry({ ...limits, frameBurst: 6 }, (userId) => shares.get(userId) ?? 1);
    registry.admit(socket('u', 'a'));
    registry.admit(socket('v', 'b'));
    // A third of a burst of 6 here; the other processes hold the rest.
    expect([1, 2, 3].map(() => registry.takeFrame('u'))).toEqual([true, true, false]);
    expect(registry.takeFrame('v')).toBe(true);
  });
});
