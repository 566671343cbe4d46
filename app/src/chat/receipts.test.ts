import { describe, expect, it } from 'vitest';
import { lastOwnIndex, readerPositions, seenBy } from './receipts.ts';
import type { ChatMessage } from './types.ts';

const msg = (id: string, author: string, segment: number): ChatMessage => ({
  id,
  author,
  text: id,
  sentAt: 0,
  segment,
  pending: false,
  edited: false,
  deleted: false,
  reactions: [],
});

describe('read receipts', () => {
  const messages = [msg('a', 'me', 0), msg('b', 'ann', 0), msg('c', 'me', 1), msg('d', 'me', 1)];

  it('takes each reader’s furthest receipt over segments, never mine', () => {
    const positions = readerPositions(
      messages,
      [
        {
          segment: 0,
          receipts: new Map([
            ['ann', { messageId: 'b', at: 1 }],
            ['me', { messageId: 'b', at: 1 }],
          ]),
        },
        {
          segment: 1,
          receipts: new Map([
            ['ann', { messageId: 'c', at: 2 }],
            ['bob', { messageId: 'unknown1', at: 2 }],
          ]),
        },
      ],
      'me',
    );
    expect([...positions]).toEqual([['ann', 2]]);
    expect(seenBy(positions, 2)).toEqual(['ann']);
    expect(seenBy(positions, 3)).toEqual([]);
  });

  it('finds my newest message', () => {
    expect(lastOwnIndex(messages, 'me')).toBe(3);
    expect(lastOwnIndex(messages, 'zed')).toBe(-1);
  });
});
