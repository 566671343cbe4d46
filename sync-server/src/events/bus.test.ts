import { describe, expect, it } from 'vitest';
import { createEventBus, type ServerEvent } from './bus.ts';

describe('event bus', () => {
  it('delivers events to subscribers of their type until disposed', () => {
    const bus = createEventBus(() => {});
    const seen: string[] = [];
    const dispose = bus.subscribe('session.revoked', (e) => seen.push(e.sessionId));
    bus.subscribe('user.changed', (e) => seen.push(`changed ${e.userId}`));
    bus.publish({ type: 'session.revoked', userId: 'u_1', sessionId: 's1' });
    dispose();
    dispose();
    bus.publish({ type: 'session.revoked', userId: 'u_1', sessionId: 's2' });
    bus.publish({ type: 'user.changed', userId: 'u_2' });
    expect(seen).toEqual(['s1', 'changed u_2']);
  });

  it('keeps delivering to the others when one handler throws', () => {
    const failures: ServerEvent[] = [];
    const bus = createEventBus((_error, event) => failures.push(event));
    const seen: string[] = [];
    bus.subscribe('user.deleted', () => {
      throw new Error('boom');
    });
    bus.subscribe('user.deleted', (e) => seen.push(e.userId));
    bus.publish({ type: 'user.deleted', userId: 'u_9' });
    expect(seen).toEqual(['u_9']);
    expect(failures).toHaveLength(1);
  });

  it('runs origin handlers only where the event was published', () => {
    const bus = createEventBus(() => {});
    const seen: string[] = [];
    bus.subscribe('user.deleted', (e) => seen.push(`everywhere ${e.userId}`));
    bus.subscribe('user.deleted', (e) => seen.push(`once ${e.userId}`), 'origin');
    bus.publish({ type: 'user.deleted', userId: 'here' });
    bus.receive({ type: 'user.deleted', userId: 'elsewhere' });
    expect(seen).toEqual(['everywhere here', 'once here', 'everywhere elsewhere']);
  });
});
