import type { ConversationListEntry, MessageEntry, ReadPosition } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import {
  countUnread,
  countUnreadIndexed,
  filterByName,
  lastMessageOf,
  newestMessages,
  orderConversations,
  previewLine,
  unreadTotal,
  type ConversationRow,
  type SegmentMessages,
} from './list-columns.ts';

const ME = 'u_me';
const ANN = 'u_ann';
let clock = 1_000;
const msg = (author: string, text = 'hi', id = `m${String(clock).padStart(8, '0')}`): MessageEntry => ({
  id,
  author,
  text,
  sentAt: clock++,
});
const segment = (
  index: number,
  messages: MessageEntry[],
  options: { deleted?: string[]; edits?: Record<string, string> } = {},
): SegmentMessages => ({
  index,
  messages,
  deletions: new Set(options.deleted ?? []),
  edits: new Map(Object.entries(options.edits ?? {}).map(([id, text]) => [id, { text, at: 1 }])),
});
const at = (s: SegmentMessages, i: number): ReadPosition => ({
  segment: s.index,
  messageId: s.messages[i]!.id,
  at: s.messages[i]!.sentAt,
});
const system = (): MessageEntry =>
  ({
    ...msg('system', 'x'),
    system: { kind: 'group_renamed', actorId: ANN, name: 'Trip' },
  }) as MessageEntry;

describe('newestMessages', () => {
  it('keeps the newest messages across segments, oldest first, edits folded in and deletions left out', () => {
    const older = segment(0, [msg(ANN, 'a'), msg(ME, 'b'), msg(ANN, 'c')]);
    const newer = [msg(ANN, 'd'), msg(ME, 'e'), msg(ANN, 'f')];
    const edited = segment(1, newer, {
      deleted: [newer[1]!.id],
      edits: { [newer[2]!.id]: 'f, edited' },
    });
    const tail = newestMessages([edited, older], 4);
    expect(tail.map((m) => m.text)).toEqual(['b', 'c', 'd', 'f, edited']);
    expect(tail.map((m) => [m.segment, m.pos])).toEqual([
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 2],
    ]);
    expect(newestMessages([older], 10)).toHaveLength(3);
  });

  it('keeps a server line with what it says', () => {
    const line = system();
    const [kept] = newestMessages([segment(0, [line])]);
    expect(kept?.system).toEqual((line as MessageEntry & { system: unknown }).system);
  });
});

describe('countUnreadIndexed', () => {
  // Segments 0–2 as the message index holds them: author, place; segment 3 is the open one.
  const rows = [0, 1, 2].flatMap((segment) =>
    [ANN, ME, 'system', ANN].map((author, pos) => ({
      id: `m${segment}${pos}`.padEnd(10, 'x'),
      author,
      sentAt: 100 * segment + pos,
      segment,
      pos,
    })),
  );

  it('counts what others wrote after the read message in the segments below the open ones, exactly', () => {
    const read: ReadPosition = { segment: 1, messageId: rows[4]!.id, at: 5_000 };
    // Segment 1 after its first message: one by Ann; segment 2: two by Ann (mine and server lines never).
    expect(countUnreadIndexed(rows, read, ME, 3)).toBe(3);
    // The open segments start lower: those are counted from the documents instead.
    expect(countUnreadIndexed(rows, read, ME, 2)).toBe(1);
    expect(countUnreadIndexed(rows, undefined, ME, 3)).toBe(6);
  });

  it('falls back to the read time when the read message is not indexed, and skips rows without a place', () => {
    const read: ReadPosition = { segment: 1, messageId: 'mnotindexed', at: 101 };
    expect(countUnreadIndexed(rows, read, ME, 3)).toBe(3);
    const old = rows.map(({ id, author, sentAt }) => ({ id, author, sentAt }));
    expect(countUnreadIndexed(old, read, ME, 3)).toBe(0);
  });
});

describe('countUnread', () => {
  it('counts every message by others when nothing was read, never the own ones', () => {
    expect(countUnread([segment(0, [msg(ANN), msg(ME), msg(ANN)])], undefined, ME)).toBe(2);
  });

  it('counts only what follows the read message', () => {
    const s = segment(0, [msg(ANN), msg(ANN), msg(ME), msg(ANN)]);
    expect(countUnread([s], at(s, 1), ME)).toBe(1);
    expect(countUnread([s], at(s, 3), ME)).toBe(0);
  });

  it('skips server lines and deleted messages', () => {
    const deletedOne = msg(ANN);
    const s = segment(0, [system(), deletedOne, msg(ANN)], { deleted: [deletedOne.id] });
    expect(countUnread([s], undefined, ME)).toBe(1);
  });

  it('treats earlier segments as read and later ones as unread', () => {
    const old = segment(3, [msg(ANN), msg(ANN)]);
    const newest = segment(4, [msg(ANN), msg(ME), msg(ANN)]);
    expect(countUnread([newest, old], at(old, 0), ME)).toBe(3);
    expect(countUnread([newest], { segment: 5, messageId: 'mxxxxxxxx', at: 0 }, ME)).toBe(0);
  });

  it('falls back to the read time when the read message is not in its segment', () => {
    const s = segment(0, [msg(ANN), msg(ANN), msg(ANN)]);
    const position = { segment: 0, messageId: 'mgonegone', at: s.messages[1]!.sentAt };
    expect(countUnread([s], position, ME)).toBe(1);
  });
});

describe('lastMessageOf', () => {
  it('is the newest message not deleted, with its edit applied, on one line', () => {
    const a = msg(ANN, 'first');
    const b = msg(ME, 'second');
    const c = msg(ANN, 'gone');
    const s = segment(0, [a, b, c], { deleted: [c.id], edits: { [b.id]: 'second,\n  edited' } });
    expect(lastMessageOf([s], () => '')).toEqual({
      id: b.id,
      authorId: ME,
      preview: 'second, edited',
      at: b.sentAt,
    });
  });

  it('looks into the previous segment when the newest is empty, and names people in server lines', () => {
    const line = system();
    expect(
      lastMessageOf([segment(1, []), segment(0, [line])], (id) => (id === ANN ? 'Ann' : '?')),
    ).toMatchObject({
      id: line.id,
      preview: 'Ann renamed the group to Trip',
    });
    expect(lastMessageOf([segment(0, [])], () => '')).toBeNull();
  });

  it('says what a message of files only carries ("Photo", a file\'s name), never an empty line', () => {
    const file = { kind: 'file', name: 'report.pdf' } as NonNullable<MessageEntry['attachments']>[number];
    const m = { ...msg(ANN, ''), attachments: [file] };
    expect(lastMessageOf([segment(0, [m])], () => '')?.preview).toBe('report.pdf');
  });

  it('cuts a long message to the preview length', () => {
    expect(lastMessageOf([segment(0, [msg(ANN, 'é'.repeat(4000))])], () => '')?.preview).toHaveLength(140);
  });
});

const entry = (
  id: string,
  name: string,
  lastActivityAt: number,
  kind: 'direct' | 'group' = 'direct',
): ConversationRow => {
  const base: ConversationListEntry = {
    id,
    kind,
    name,
    picture: null,
    peer: null,
    memberCount: 2,
    lastMessage: null,
    lastActivityAt,
    canWrite: true,
    role: 'member',
    addMembersPolicy: 'members',
  };
  return { ...base, local: null };
};

describe('the list', () => {
  it('orders by latest activity, a message written on this device counting at once', () => {
    const a = entry('a', 'Ann', 100);
    const b = entry('b', 'Ben', 200);
    const c = {
      ...entry('c', 'Cat', 50),
      local: { lastMessage: { id: 'm1', authorId: ME, preview: 'x', at: 300 }, unread: 0, pending: 1 },
    };
    expect(orderConversations([a, b, c]).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(orderConversations([entry('y', 'Y', 1), entry('x', 'X', 1)]).map((r) => r.id)).toEqual(['x', 'y']);
  });

  it('filters by name ignoring case and accents', () => {
    const rows = [entry('a', 'Zoë Martin', 1), entry('b', 'Ben', 1)];
    expect(filterByName(rows, ' zoe ').map((r) => r.id)).toEqual(['a']);
    expect(filterByName(rows, '')).toBe(rows);
  });

  it('adds up unread counts', () => {
    const one = { ...entry('a', 'A', 1), local: { lastMessage: null, unread: 2, pending: 0 } };
    const two = { ...entry('b', 'B', 1), local: { lastMessage: null, unread: 3, pending: 0 } };
    expect(unreadTotal([one, two, entry('c', 'C', 1)])).toBe(5);
  });

  it("prefers the device's own last message and says who wrote it", () => {
    const nameOf = (id: string): string => (id === ANN ? 'Ann' : id);
    const server = {
      ...entry('g', 'Group', 1, 'group'),
      lastMessage: { preview: 'old', senderId: ANN, at: 10 },
    };
    expect(previewLine(server, ME, nameOf)).toEqual({ author: 'Ann', text: 'old' });
    const local = {
      ...server,
      local: { lastMessage: { id: 'm1', authorId: ME, preview: 'new', at: 5 }, unread: 0, pending: 0 },
    };
    expect(previewLine(local, ME, nameOf)).toEqual({ author: 'You', text: 'new' });
    const direct = { ...entry('d', 'Ann', 1), lastMessage: { preview: 'hey', senderId: ANN, at: 1 } };
    expect(previewLine(direct, ME, nameOf)).toEqual({ author: null, text: 'hey' });
    expect(previewLine(entry('e', 'E', 1), ME, nameOf)).toBeNull();
  });
});
