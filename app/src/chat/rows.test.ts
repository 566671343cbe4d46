import { describe, expect, it } from 'vitest';
import { buildRows, firstUnreadId, prependedCount, rowIndexOf } from './rows.ts';
import type { ChatMessage } from './types.ts';

const T0 = new Date(2026, 10, 30, 9, 0).getTime();
const MIN = 60_000;

function msg(id: string, author: string, sentAt: number, segment = 0): ChatMessage {
  return {
    id,
    author,
    text: id,
    sentAt,
    segment,
    pending: false,
    edited: false,
    deleted: false,
    reactions: [],
  };
}

const kinds = (rows: ReturnType<typeof buildRows>) =>
  rows.map((r) =>
    r.kind === 'message' ? `${r.key}${r.firstOfGroup ? '^' : ''}${r.lastOfGroup ? '$' : ''}` : r.kind,
  );

describe('conversation rows', () => {
  it('groups consecutive messages by one sender within five minutes', () => {
    const rows = buildRows(
      [
        msg('a1', 'ann', T0),
        msg('a2', 'ann', T0 + MIN),
        msg('b1', 'bob', T0 + 2 * MIN),
        msg('a3', 'ann', T0 + 3 * MIN),
        msg('a4', 'ann', T0 + 20 * MIN),
      ],
      { meId: 'ann', now: T0 },
    );
    expect(kinds(rows)).toEqual(['day', 'a1^', 'a2$', 'b1^$', 'a3^$', 'a4^$']);
    expect(rows.filter((r) => r.kind === 'message').map((r) => r.kind === 'message' && r.own)).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
  });

  it('puts a day separator at each new day, labelled Today / Yesterday / a date', () => {
    const rows = buildRows(
      [msg('old', 'ann', T0 - 40 * 24 * 60 * MIN), msg('y', 'ann', T0 - 24 * 60 * MIN), msg('t', 'ann', T0)],
      {
        meId: 'me',
        now: T0,
      },
    );
    const days = rows.flatMap((r) => (r.kind === 'day' ? [r.label] : []));
    expect(days).toHaveLength(3);
    expect(days.slice(1)).toEqual(['Yesterday', 'Today']);
    expect(days[0]).toMatch(/October|21/);
    expect(kinds(rows)).toEqual(['day', 'old^$', 'day', 'y^$', 'day', 't^$']);
  });

  it('never groups system lines, and breaks a group at the "New messages" divider', () => {
    const system = {
      ...msg('s', 'system', T0 + MIN),
      system: { kind: 'member_left' as const, actorId: 'bob' },
    };
    const rows = buildRows(
      [msg('a1', 'ann', T0), system, msg('a2', 'ann', T0 + 2 * MIN), msg('a3', 'ann', T0 + 3 * MIN)],
      {
        meId: 'me',
        unreadFromId: 'a3',
        now: T0,
      },
    );
    expect(kinds(rows)).toEqual(['day', 'a1^$', 's^$', 'a2^$', 'unread', 'a3^$']);
    expect(rowIndexOf(rows, 'a3')).toBe(5);
  });

  it('counts rows prepended before the first message, so older history keeps the view in place', () => {
    const before = buildRows([msg('c', 'ann', T0 + 10 * MIN)], { meId: 'me', now: T0 });
    const after = buildRows(
      [msg('a', 'ann', T0), msg('b', 'bob', T0 + MIN), msg('c', 'ann', T0 + 10 * MIN)],
      { meId: 'me', now: T0 },
    );
    expect(prependedCount(before, after)).toBe(2);
    expect(prependedCount([], after)).toBe(0);
  });
});

describe('first unread message', () => {
  const messages = [
    msg('a', 'ann', T0, 0),
    msg('m', 'me', T0 + 1, 0),
    msg('b', 'ann', T0 + 2, 1),
    msg('c', 'ann', T0 + 3, 1),
  ];

  it('is the first message by someone else after the read position', () => {
    expect(firstUnreadId(messages, { segment: 0, messageId: 'a', at: 0 }, 'me')).toBe('b');
    expect(firstUnreadId(messages, { segment: 1, messageId: 'c', at: 0 }, 'me')).toBeUndefined();
  });

  it('is the first loaded message of someone else when nothing was ever read', () => {
    expect(firstUnreadId(messages, undefined, 'me')).toBe('a');
    expect(firstUnreadId([msg('m', 'me', T0)], undefined, 'me')).toBeUndefined();
  });

  it('counts from the segment when the read message is not loaded', () => {
    expect(firstUnreadId(messages, { segment: 0, messageId: 'unloaded1', at: 0 }, 'me')).toBe('b');
    expect(firstUnreadId(messages.slice(2), { segment: 0, messageId: 'older', at: 0 }, 'me')).toBe('b');
    expect(firstUnreadId(messages, { segment: 3, messageId: 'future', at: 0 }, 'me')).toBeUndefined();
  });

  it('skips own messages and system lines', () => {
    const system = {
      ...msg('s', 'system', T0 + 4, 1),
      system: { kind: 'member_left' as const, actorId: 'x' },
    };
    expect(firstUnreadId([...messages, system], { segment: 1, messageId: 'c', at: 0 }, 'me')).toBeUndefined();
  });
});
