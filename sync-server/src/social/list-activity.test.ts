import { ATTACHMENT_CIPHER, ATTACHMENT_LIMITS, type AttachmentEntry } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../events/bus.ts';
import { ListActivity } from './list-activity.ts';
import type { UserDirectory } from './user-directory.ts';

function activity(): ListActivity {
  const bus = createEventBus((err) => {
    throw err;
  });
  // Only system lines ask for names; these tests send people's messages.
  const users = { summaries: () => new Map() } as unknown as UserDirectory;
  return new ListActivity(users, bus, () => 1234);
}

const message = (text: string) => ({ id: 'm_1', author: 'u_ann', text, sentAt: 1 });

describe('ListActivity.columns (the list’s last message)', () => {
  it('collapses white space and keeps a short text whole', () => {
    expect(activity().columns('c_1', message('  see\n\nyou \t at eight '), 3)).toEqual({
      conversationId: 'c_1',
      preview: 'see you at eight',
      senderId: 'u_ann',
      at: 1234,
      count: 3,
    });
  });

  it('cuts a long text at 140 characters, never inside an emoji', () => {
    const text = `${'a'.repeat(139)}😀😀 and more`;
    expect(text.length).toBeGreaterThan(140);
    const { preview } = activity().columns('c_1', message(text), 1);
    expect(preview).toBe(`${'a'.repeat(139)}😀`);
    expect([...preview]).toHaveLength(140);
  });

  it('keeps a text of 140 code points that is longer in UTF-16 units whole', () => {
    const text = '😀'.repeat(140);
    expect(activity().columns('c_1', message(text), 1).preview).toBe(text);
  });

  it('a message of files only says what was sent, for the list and the push notification', () => {
    const photos = { ...message(''), attachments: [photoEntry(), photoEntry()] };
    expect(activity().columns('c_1', photos, 1).preview).toBe('2 photos');
    const captioned = { ...message('the view'), attachments: [photoEntry()] };
    expect(activity().columns('c_1', captioned, 1).preview).toBe('Photo: the view');
  });
});

function photoEntry(): AttachmentEntry {
  return {
    kind: 'image',
    cipher: ATTACHMENT_CIPHER,
    blob: 'a'.repeat(64),
    key: 'A'.repeat(43),
    size: 10,
    chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
    type: 'image/png',
    name: 'view.png',
  };
}
