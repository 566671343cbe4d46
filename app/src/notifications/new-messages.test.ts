import { describe, expect, it } from 'vitest';
import type { ConversationRow } from '../session/index.ts';
import { arrivedMessages, notificationOf, type Seen } from './new-messages.ts';

const row = (
  id: string,
  last: { id: string; authorId: string } | null,
  unread: number,
  kind: 'direct' | 'group' = 'group',
) =>
  ({
    id,
    kind,
    name: 'Climbing',
    local: { lastMessage: last && { ...last, preview: 'hi', at: 7 }, unread, pending: 0 },
  }) as unknown as ConversationRow;

describe('new messages read off the conversation list', () => {
  it('a new last message by someone else that raised the unread count is news; a first computation is not', () => {
    const seen = new Map<string, Seen>();
    expect(arrivedMessages(seen, [row('c_a', { id: 'm1', authorId: 'u_ann' }, 1)], 'u_me')).toEqual([]);
    const next = row('c_a', { id: 'm2', authorId: 'u_ann' }, 2);
    expect(arrivedMessages(seen, [next], 'u_me')).toEqual([next]);
  });

  it('my own message, a server line, an edit, a deletion or a read are not', () => {
    const seen = new Map<string, Seen>();
    arrivedMessages(seen, [row('c_a', { id: 'm1', authorId: 'u_ann' }, 1)], 'u_me');
    expect(arrivedMessages(seen, [row('c_a', { id: 'm2', authorId: 'u_me' }, 1)], 'u_me')).toEqual([]);
    expect(arrivedMessages(seen, [row('c_a', { id: 'm3', authorId: 'system' }, 2)], 'u_me')).toEqual([]);
    expect(arrivedMessages(seen, [row('c_a', { id: 'm3', authorId: 'system' }, 2)], 'u_me')).toEqual([]);
    // Deleting the last message brings the one before back, with fewer unread.
    expect(arrivedMessages(seen, [row('c_a', { id: 'm1', authorId: 'u_ann' }, 1)], 'u_me')).toEqual([]);
    expect(arrivedMessages(seen, [row('c_a', { id: 'm4', authorId: 'u_ann' }, 0)], 'u_me')).toEqual([]);
  });

  it('shapes the notification as a push: group name and sender, or the sender of a direct message', () => {
    expect(notificationOf(row('c_a', { id: 'm1', authorId: 'u_ann' }, 1), 'Ann')).toEqual({
      v: 1,
      kind: 'message',
      title: 'Climbing',
      body: 'Ann: hi',
      tag: 'conversation:c_a',
      url: '/c/c_a',
      conversationId: 'c_a',
      at: 7,
    });
    expect(notificationOf(row('c_b', { id: 'm1', authorId: 'u_ann' }, 1, 'direct'), 'Ann')).toMatchObject({
      title: 'Ann',
      body: 'hi',
    });
  });
});
