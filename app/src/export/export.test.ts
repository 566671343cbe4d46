import 'fake-indexeddb/auto';
import {
  appendMessage,
  deleteMessage,
  editMessage,
  segmentDocId,
  setReaction,
  systemMessage,
  type MessageEntry,
} from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IndexedDbPersistence } from '../sync/core/persistence.ts';
import { collectExport } from './collect.ts';
import { ExportFormatError, parseExport } from './format.ts';
import { escapeMarkdown, toMarkdown } from './markdown.ts';

const T0 = Date.UTC(2026, 11, 5, 9, 30);
let n = 0;
const msg = (author: string, text: string, at: number, replyTo?: string): MessageEntry => ({
  id: `m${String(++n).padStart(9, '0')}`,
  author,
  text,
  sentAt: at,
  ...(replyTo ? { replyTo } : {}),
});

/** A group with two segments on the device, written through the sync client's own persistence. */
async function device() {
  const name = `export-test-${++n}`;
  const persistence = new IndexedDbPersistence(name);
  const old = new Y.Doc();
  appendMessage(old, systemMessage({ kind: 'group_created', actorId: 'u_ann', name: 'Trip' }, T0));
  const hello = msg('u_ann', 'Hello *all*', T0 + 1000);
  appendMessage(old, hello);
  const newer = new Y.Doc();
  const reply = msg('u_ben', 'Hi Ann', T0 + 86_400_000, hello.id);
  const typo = msg('u_ann', 'See you at the habrour', T0 + 86_400_000 + 60_000);
  const gone = msg('u_ben', 'oops, wrong chat', T0 + 86_400_000 + 120_000);
  for (const m of [reply, typo, gone]) appendMessage(newer, m);
  editMessage(newer, typo.id, 'See you at the harbour', T0 + 86_400_000 + 90_000);
  deleteMessage(newer, gone.id, 'u_ben', T0 + 86_400_000 + 130_000);
  setReaction(newer, typo.id, 'u_ben', '👍', true);
  setReaction(newer, typo.id, 'u_cy', '👍', true);
  setReaction(newer, typo.id, 'u_cy', '🎉', true);
  await persistence.appendUpdate(segmentDocId('c_trip', 0), Y.encodeStateAsUpdate(old));
  await persistence.appendUpdate(segmentDocId('c_trip', 1), Y.encodeStateAsUpdate(newer));
  // A direct conversation whose older segment this device never loaded.
  const direct = new Y.Doc();
  appendMessage(direct, msg('u_dee', 'latest only', T0 + 5000));
  await persistence.appendUpdate(segmentDocId('c_dee', 3), Y.encodeStateAsUpdate(direct));
  await persistence.close();
  return { name, hello, reply, typo, gone };
}

const people = new Map([
  ['u_ben', { username: 'ben', displayName: 'Ben' }],
  ['u_cy', { username: 'cy', displayName: 'Cy' }],
  ['u_dee', { username: 'dee', displayName: 'Dee' }],
]);
const account = { id: 'u_ann', username: 'ann', displayName: 'Ann' };

describe('the export', () => {
  it('round-trips a conversation with replies, edits, deletions, reactions and server lines through its JSON', async () => {
    const d = await device();
    const progress: [number, number][] = [];
    const file = await collectExport({
      syncDbName: d.name,
      account,
      people,
      conversations: new Map([
        ['c_trip', { kind: 'group' as const, name: 'Trip' }],
        ['c_dee', { kind: 'direct' as const, name: 'Dee' }],
      ]),
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress.at(-1)).toEqual([3, 3]);
    const back = parseExport(JSON.parse(JSON.stringify(file)));
    expect(back).toEqual(file);

    const trip = back.conversations.find((c) => c.id === 'c_trip')!;
    expect(trip).toMatchObject({ kind: 'group', name: 'Trip', segments: [0, 1], complete: true });
    expect(trip.messages).toEqual([
      {
        id: trip.messages[0]!.id,
        segment: 0,
        author: 'system',
        sentAt: '2026-12-05T09:30:00.000Z',
        text: 'Ann created the group Trip',
        system: { kind: 'group_created', actorId: 'u_ann', name: 'Trip' },
      },
      {
        id: d.hello.id,
        segment: 0,
        author: 'u_ann',
        sentAt: '2026-12-05T09:30:01.000Z',
        text: 'Hello *all*',
      },
      {
        id: d.reply.id,
        segment: 1,
        author: 'u_ben',
        sentAt: '2026-12-06T09:30:00.000Z',
        text: 'Hi Ann',
        replyTo: d.hello.id,
      },
      {
        id: d.typo.id,
        segment: 1,
        author: 'u_ann',
        sentAt: '2026-12-06T09:31:00.000Z',
        text: 'See you at the harbour',
        edited: { at: '2026-12-06T09:31:30.000Z' },
        reactions: [
          { emoji: '🎉', by: ['u_cy'] },
          { emoji: '👍', by: ['u_ben', 'u_cy'] },
        ],
      },
      {
        id: d.gone.id,
        segment: 1,
        author: 'u_ben',
        sentAt: '2026-12-06T09:32:00.000Z',
        text: '',
        deleted: { by: 'u_ben', at: '2026-12-06T09:32:10.000Z' },
      },
    ]);
    const dee = back.conversations.find((c) => c.id === 'c_dee')!;
    expect(dee).toMatchObject({ kind: 'direct', segments: [3], complete: false });
    expect(back.people).toEqual({
      u_ben: { username: 'ben', displayName: 'Ben' },
      u_cy: { username: 'cy', displayName: 'Cy' },
      u_dee: { username: 'dee', displayName: 'Dee' },
    });
    expect(back).toMatchObject({ format: 'messenjo-export', version: 1, account });
  });

  it('reads as Markdown: days, senders, quoted replies, edits, tombstones, reactions, server lines', async () => {
    const d = await device();
    const file = await collectExport({
      syncDbName: d.name,
      account,
      people,
      conversations: new Map([['c_trip', { kind: 'group' as const, name: 'Trip' }]]),
    });
    const md = toMarkdown(file);
    expect(md).toContain('## Trip (group)');
    expect(md).toContain('### 2026-12-05');
    expect(md).toContain('*09:30 · Ann created the group Trip*');
    expect(md).toContain('**Ann** · 09:30  \nHello \\*all\\*  ');
    expect(md).toContain('**Ben** · 09:30  \n> Ann: Hello \\*all\\*\n\nHi Ann  ');
    expect(md).toContain(
      '**Ann** · 09:31 · *edited*  \nSee you at the harbour  \nReactions: 🎉 Cy · 👍 Ben, Cy',
    );
    expect(md).toContain('**Ben** · 09:32 · *message deleted*');
    expect(md).not.toContain('wrong chat');
    expect(md).toContain(
      '*Older messages of this conversation are not on the device this was exported from.*',
    );
  });

  it('refuses a file it cannot read, saying where', () => {
    expect(() => parseExport({ format: 'messenjo-export', version: 2 })).toThrow(ExportFormatError);
    expect(() => parseExport({ format: 'messenjo-export', version: 2 })).toThrow('$.version');
    expect(() => parseExport([])).toThrow('$: must be an object');
    expect(escapeMarkdown('# not a heading\n- not a list')).toBe('\\# not a heading\n\\- not a list');
  });
});
