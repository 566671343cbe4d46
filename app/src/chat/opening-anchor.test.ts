import { describe, expect, it } from 'vitest';
import { nextOpeningAnchor, type OpeningAnchor, type OpeningFacts } from './opening-anchor.ts';
import type { ChatMessage } from './types.ts';

const msg = (id: string, author = 'u_ann'): ChatMessage => ({
  id,
  author,
  text: id,
  sentAt: 1,
  segment: 0,
  pending: false,
  edited: false,
  deleted: false,
  reactions: [],
});
const messages = ['m1', 'm2', 'm3'].map((id) => msg(id));
const facts = (over: Partial<OpeningFacts>): OpeningFacts => ({
  settled: false,
  synced: false,
  readKnown: false,
  hasLocal: false,
  messages,
  readPosition: undefined,
  ...over,
});
const readUpToM1 = { segment: 0, messageId: 'm1', at: 1 };
/** The newest segment and the user document hold the server's state. */
const fromServer = facts({ settled: true, synced: true, readKnown: true, readPosition: readUpToM1 });

describe('where the conversation opens', () => {
  it('waits while a new device has neither the server’s state nor a read position', () => {
    expect(nextOpeningAnchor(null, facts({}), 'u_me', false)).toBeNull();
    // History on the device is not enough without the read position.
    expect(nextOpeningAnchor(null, facts({ hasLocal: true }), 'u_me', false)).toBeNull();
  });
  it('opens for good at the first unread message: history held and the read position known, or the server’s state', () => {
    const local = facts({ hasLocal: true, readKnown: true, readPosition: readUpToM1 });
    expect(nextOpeningAnchor(null, local, 'u_me', false)).toEqual({ unreadFromId: 'm2', provisional: false });
    expect(nextOpeningAnchor(null, fromServer, 'u_me', false)).toEqual({
      unreadFromId: 'm2',
      provisional: false,
    });
  });
  it('opened by "offline" alone, it is placed again once the segment and the read position arrive', () => {
    const offline = nextOpeningAnchor(null, facts({ settled: true, messages: [] }), 'u_me', false);
    expect(offline).toEqual({ unreadFromId: undefined, provisional: true });
    // The read position came first, the messages not yet: nothing to place it by, it waits (same object).
    const readFirst = facts({ settled: true, readKnown: true, readPosition: readUpToM1, messages: [] });
    expect(nextOpeningAnchor(offline, readFirst, 'u_me', false)).toBe(offline);
    expect(nextOpeningAnchor(offline, fromServer, 'u_me', false)).toEqual({
      unreadFromId: 'm2',
      provisional: false,
    });
  });
  it('a place the person already moved from stays theirs', () => {
    const offline: OpeningAnchor = { unreadFromId: undefined, provisional: true };
    expect(nextOpeningAnchor(offline, fromServer, 'u_me', true)).toEqual({
      unreadFromId: undefined,
      provisional: false,
    });
  });
  it('once decided for good, later read positions (this device marking read) do not move it', () => {
    const decided: OpeningAnchor = { unreadFromId: 'm2', provisional: false };
    const later = { ...fromServer, readPosition: { segment: 0, messageId: 'm3', at: 2 } };
    expect(nextOpeningAnchor(decided, later, 'u_me', false)).toBe(decided);
  });
});
