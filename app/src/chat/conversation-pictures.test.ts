import { ATTACHMENT_CIPHER, type AttachmentEntry } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { conversationPictures } from './conversation-pictures.ts';
import type { ChatMessage } from './types.ts';

const entry = (blob: string, kind: AttachmentEntry['kind'] = 'image', boxed = true): AttachmentEntry => ({
  kind,
  cipher: ATTACHMENT_CIPHER,
  blob: blob.padEnd(64, '0'),
  key: 'k'.repeat(43),
  size: 10,
  chunkBytes: 1024 * 1024,
  type: kind === 'image' ? 'image/png' : 'application/pdf',
  name: `${blob}.png`,
  ...(boxed && kind === 'image' && { width: 10, height: 10 }),
});

const msg = (id: string, attachments?: AttachmentEntry[], extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  author: 'ann',
  text: '',
  sentAt: 0,
  segment: 0,
  pending: false,
  edited: false,
  deleted: false,
  reactions: [],
  ...(attachments && { attachments }),
  ...extra,
});

describe('the pictures of a conversation', () => {
  it('are every boxed picture of every message, oldest first, each keyed by its message and blob', () => {
    const pictures = conversationPictures([
      msg('m1', [entry('a'), entry('pdf', 'file'), entry('b')]),
      msg('m2'),
      msg('m3', [entry('c')]),
    ]);
    expect(pictures.map((p) => p.entry.name)).toEqual(['a.png', 'b.png', 'c.png']);
    expect(pictures.map((p) => p.messageId)).toEqual(['m1', 'm1', 'm3']);
    expect(new Set(pictures.map((p) => p.key)).size).toBe(3);
  });

  it('the same picture sent twice is two places in the conversation', () => {
    const pictures = conversationPictures([msg('m1', [entry('a')]), msg('m2', [entry('a')])]);
    expect(pictures.map((p) => p.key)).toEqual([`m1|${'a'.padEnd(64, '0')}`, `m2|${'a'.padEnd(64, '0')}`]);
  });

  it('leaves out deleted messages, messages still uploading and pictures of unknown size', () => {
    const pictures = conversationPictures([
      msg('gone', [entry('a')], { deleted: true }),
      msg('up', [entry('b')], { upload: { state: 'uploading', progress: 0.5 } }),
      msg('plain', [entry('c', 'image', false)]),
      msg('kept', [entry('d')]),
    ]);
    expect(pictures.map((p) => p.entry.name)).toEqual(['d.png']);
  });
});
