import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ATTACHMENT_LIMITS, SYNC_LIMITS } from '../limits.ts';
import {
  checkEditEntry,
  checkMessageEntry,
  checkPlayedEntry,
  checkReceiptEntry,
  parsePlayedKey,
  parseReactionKey,
  playedKey,
  reactionKey,
  type MessageEntry,
} from './entries.ts';
import {
  appendMessage,
  conversationTimeline,
  deleteMessage,
  editMessage,
  isSegmentFull,
  markPlayed,
  newMessageId,
  readMessages,
  readReceipts,
  SEGMENT_MESSAGES,
  segmentOf,
  setReaction,
  setReceipt,
} from './segment.ts';
import { readSettings, setDraft, setTheme, userDocOf } from './user-doc.ts';

const msg = (author: string, text: string, sentAt: number): MessageEntry => ({
  id: newMessageId(),
  author,
  text,
  sentAt,
});
const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe('segment documents', () => {
  it("[DM1] every replica shows the same order, whatever the devices' clocks say", () => {
    const early = new Y.Doc();
    const late = new Y.Doc();
    // A device a day behind and one a day ahead append concurrently, several times.
    for (let i = 0; i < 5; i++) {
      appendMessage(early, msg('u_a', `a${i}`, Date.now() - 86_400_000));
      appendMessage(late, msg('u_b', `b${i}`, Date.now() + 86_400_000));
      if (i % 2 === 1) sync(early, late);
    }
    sync(early, late);
    expect(readMessages(early).map((m) => m.text)).toEqual(readMessages(late).map((m) => m.text));
    const older = new Y.Doc();
    appendMessage(older, msg('u_a', 'from segment 0', Date.now() + 10 ** 9));
    const timeline = conversationTimeline([
      { index: 1, doc: early },
      { index: 0, doc: older },
    ]);
    expect(timeline[0]?.text).toBe('from segment 0');
  });

  it('[DM2] a segment is full at SEGMENT_MESSAGES messages, appended with insert at the end', () => {
    const doc = new Y.Doc();
    doc.transact(() => {
      for (let i = 0; i < SEGMENT_MESSAGES - 1; i++) appendMessage(doc, msg('u_a', `m${i}`, i));
    });
    expect(isSegmentFull(doc)).toBe(false);
    appendMessage(doc, msg('u_a', 'last', 0));
    expect(isSegmentFull(doc)).toBe(true);
    expect(segmentOf(doc).messages.get(SEGMENT_MESSAGES - 1).text).toBe('last');
  });

  it('[DM3] folds edits, deletions and reactions (keyed entries) into the message views', () => {
    const doc = new Y.Doc();
    const first = msg('u_a', 'hello', 1);
    const second = msg('u_b', 'bye', 2);
    appendMessage(doc, first);
    appendMessage(doc, { ...second, replyTo: first.id });
    editMessage(doc, first.id, 'hello!', 3);
    deleteMessage(doc, second.id, 'u_b', 4);
    setReaction(doc, first.id, 'u_b', '👍', true);
    setReaction(doc, first.id, 'u_c', '👍', true);
    setReaction(doc, first.id, 'u_c', '🎉', true);
    setReaction(doc, first.id, 'u_c', '🎉', false);
    const [a, b] = readMessages(doc);
    expect(a).toMatchObject({
      text: 'hello!',
      edited: true,
      deleted: false,
      reactions: [{ emoji: '👍', userIds: ['u_b', 'u_c'] }],
    });
    expect(b).toMatchObject({ text: '', deleted: true, replyTo: first.id });
  });

  it('[DM4] validates entries: own fields only, bounded text, well-formed ids and reaction keys', () => {
    expect(checkMessageEntry(msg('u_a', 'ok', 1)).ok).toBe(true);
    expect(checkMessageEntry({ ...msg('u_a', 'ok', 1), admin: true }).ok).toBe(false);
    expect(checkMessageEntry(msg('u_a', '   ', 1)).ok).toBe(false);
    expect(checkMessageEntry(msg('u_a', '😀'.repeat(SYNC_LIMITS.MAX_MESSAGE_CHARS), 1)).ok).toBe(true);
    expect(checkMessageEntry(msg('u_a', 'x'.repeat(SYNC_LIMITS.MAX_MESSAGE_CHARS + 1), 1)).ok).toBe(false);
    expect(checkMessageEntry({ ...msg('u_a', 'ok', 1), id: 'short' }).ok).toBe(false);
    expect(checkEditEntry({ text: 'fine', at: 5 }).ok).toBe(true);
    // VAL9: an edit carries text only; a message's attachments never change once sent.
    expect(checkEditEntry({ text: 'fine', at: 5, attachments: [] }).ok).toBe(false);
    expect(checkEditEntry({ text: 'fine' }).ok).toBe(false);
    const key = reactionKey('m12345678', 'u_a', '👍');
    expect(parseReactionKey(key)).toEqual({ messageId: 'm12345678', userId: 'u_a', emoji: '👍' });
    expect(parseReactionKey('m12345678|u_a')).toBeUndefined();
  });
});

describe('a message with attachments', () => {
  const file = {
    kind: 'file',
    cipher: 'aes256gcm-chunked-v1',
    blob: 'ab'.repeat(32),
    key: 'A'.repeat(42) + 'w',
    size: 1234,
    chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
    type: 'application/pdf',
    name: 'plan.pdf',
  };

  it('[VAL7] takes a list of valid entries; the caption may then be empty, never blank', () => {
    const base = msg('u_a', '', 1);
    expect(checkMessageEntry({ ...base, attachments: [file] }).ok).toBe(true);
    expect(checkMessageEntry({ ...base, text: 'the plan', attachments: [file, file] }).ok).toBe(true);
    expect(checkMessageEntry(base).ok).toBe(false);
    expect(checkMessageEntry({ ...base, text: '  ', attachments: [file] }).ok).toBe(false);
    expect(checkMessageEntry({ ...base, attachments: [] }).ok).toBe(false);
    const eleven = Array.from({ length: ATTACHMENT_LIMITS.MAX_PER_MESSAGE + 1 }, () => file);
    expect(checkMessageEntry({ ...base, attachments: eleven })).toMatchObject({ ok: false });
    expect(checkMessageEntry({ ...base, attachments: [{ ...file, blob: 'AB'.repeat(32) }] }).ok).toBe(false);
    // The operator's cap on one file is the server's to pass.
    expect(checkMessageEntry({ ...base, attachments: [file] }, 1000).ok).toBe(false);
  });

  it('shows its attachments until it is deleted', () => {
    const doc = new Y.Doc();
    const entry = { ...msg('u_a', '', 1), attachments: [file] } as MessageEntry;
    appendMessage(doc, entry);
    expect(readMessages(doc)[0]?.attachments).toEqual([file]);
    deleteMessage(doc, entry.id, 'u_a', 2);
    expect(readMessages(doc)[0]?.attachments).toBeUndefined();
  });
});

describe('user document', () => {
  it("[DM5] keeps drafts and settings and syncs them between a user's devices", () => {
    const laptop = new Y.Doc();
    const phone = new Y.Doc();
    setDraft(laptop, 'c_a', 'half a thought');
    setTheme(laptop, 'dark');
    sync(laptop, phone);
    expect(userDocOf(phone).drafts.get('c_a')).toBe('half a thought');
    expect(readSettings(phone)).toEqual({ theme: 'dark' });
    setDraft(phone, 'c_a', '');
    sync(laptop, phone);
    expect(userDocOf(laptop).drafts.has('c_a')).toBe(false);
  });
});

describe('read receipts', () => {
  it('[RC1] a receipt names a message of its segment and only moves forward', () => {
    const doc = new Y.Doc();
    const first = msg('u_a', 'one', 1);
    const second = msg('u_a', 'two', 2);
    appendMessage(doc, first);
    appendMessage(doc, second);
    expect(setReceipt(doc, 'u_b', 'mnot_in_this_segment', 3)).toBe(false);
    expect(setReceipt(doc, 'u_b', second.id, 3)).toBe(true);
    expect(setReceipt(doc, 'u_b', first.id, 4)).toBe(false);
    expect(readReceipts(doc).get('u_b')).toEqual({ messageId: second.id, at: 3 });
    expect(checkReceiptEntry({ messageId: second.id, at: 3 }).ok).toBe(true);
    expect(checkReceiptEntry({ messageId: second.id, at: 3, by: 'u_c' }).ok).toBe(false);
    expect(checkReceiptEntry({ messageId: 'x', at: 3 }).ok).toBe(false);
  });
});

describe('played voice notes', () => {
  it('[PL1] a played mark is keyed by the note and its listener, written once, and read as playedBy', () => {
    const doc = new Y.Doc();
    const note = msg('u_a', 'a voice note', 1);
    appendMessage(doc, note);
    expect(markPlayed(doc, 'mnot_in_this_segment', 'u_b', 2)).toBe(false);
    expect(markPlayed(doc, note.id, 'u_b', 2)).toBe(true);
    expect(markPlayed(doc, note.id, 'u_b', 3)).toBe(false);
    expect(markPlayed(doc, note.id, 'u_c', 4)).toBe(true);
    expect(segmentOf(doc).played.get(playedKey(note.id, 'u_b'))).toEqual({ at: 2 });
    expect(readMessages(doc)[0]?.playedBy).toEqual(['u_b', 'u_c']);
    expect(parsePlayedKey(`${note.id}|u_b`)).toEqual({ messageId: note.id, userId: 'u_b' });
    expect(parsePlayedKey(`${note.id}|u_b|x`)).toBeUndefined();
    expect(parsePlayedKey('short|u_b')).toBeUndefined();
    expect(checkPlayedEntry({ at: 2 }).ok).toBe(true);
    expect(checkPlayedEntry({ at: 2, by: 'u_c' }).ok).toBe(false);
  });
});
