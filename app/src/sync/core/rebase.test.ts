import {
  appendMessage,
  editMessage,
  markRead,
  reactionKey,
  readMessages,
  segmentOf,
  setReaction,
  setReceipt,
  userDocOf,
  type MessageEntry,
} from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { carriedChanges, reapply } from './rebase.ts';

const SEG = 'conv:c_a:seg:0';
const entry = (text: string, author = 'u_me'): MessageEntry => ({
  id: `m${text.padEnd(14, 'x')}`,
  author,
  text,
  sentAt: 1,
});

/** Runs `edit` on `doc` and returns the one local update it made (what the outbox would hold). */
function local(doc: Y.Doc, edit: () => void): Uint8Array {
  let update: Uint8Array = new Uint8Array();
  const grab = (u: Uint8Array): void => {
    update = u;
  };
  doc.on('update', grab);
  edit();
  doc.off('update', grab);
  return update;
}

/** A device's copy: the server's state, then its own unsent changes. */
function device(server: Y.Doc): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
  return doc;
}

const texts = (doc: Y.Doc): string[] => readMessages(doc).map((m) => m.text);

describe('carrying unsent changes past a refused one', () => {
  it('re-appends the messages written after a refused message (their Yjs origin is the refused item) after what the server has', () => {
    const server = new Y.Doc();
    appendMessage(server, entry('hello', 'u_ann'));
    const mine = device(server);
    const kept = local(mine, () => appendMessage(mine, entry('kept')));
    local(mine, () => appendMessage(mine, entry('refused')));
    const later = [
      local(mine, () => appendMessage(mine, entry('after one'))),
      local(mine, () => appendMessage(mine, entry('after two'))),
    ];
    // The raw later updates cannot be used without the refused one: Yjs keeps them pending.
    const raw = device(server);
    Y.applyUpdate(raw, kept);
    for (const u of later) Y.applyUpdate(raw, u);
    expect(texts(raw)).toEqual(['hello', 'kept']);

    const carried = carriedChanges(mine, later);
    expect(carried.appended.map((a) => (a.value as MessageEntry).text)).toEqual(['after one', 'after two']);
    // Meanwhile Ann wrote again; the device rebuilds from the server plus its earlier update.
    appendMessage(server, entry('meanwhile', 'u_ann'));
    const rebuilt = device(server);
    Y.applyUpdate(rebuilt, kept);
    reapply(rebuilt, SEG, carried);
    // "kept" and "meanwhile" are concurrent (Yjs orders them by client id); the re-made ones come after both.
    expect(texts(rebuilt).slice(0, 3).toSorted()).toEqual(['hello', 'kept', 'meanwhile']);
    expect(texts(rebuilt).slice(3)).toEqual(['after one', 'after two']);
    // Made again as new changes: another replica that has the server's state takes them.
    const other = device(server);
    Y.applyUpdate(other, Y.encodeStateAsUpdate(rebuilt));
    expect(texts(other)).toEqual(texts(rebuilt));
  });

  it('keeps keyed changes that stand alone, drops those about the refused message, and lets a newer value stay', () => {
    const server = new Y.Doc();
    appendMessage(server, entry('hello', 'u_ann'));
    setReaction(server, entry('hello', 'u_ann').id, 'u_me', '👍', true);
    const mine = device(server);
    const refused = entry('refused');
    local(mine, () => appendMessage(mine, refused));
    const later = [
      local(mine, () => editMessage(mine, refused.id, 'refused, edited', 5)),
      local(mine, () => setReaction(mine, refused.id, 'u_me', '🎉', true)),
      local(mine, () => setReaction(mine, entry('hello', 'u_ann').id, 'u_me', '👍', false)),
      local(mine, () => setReaction(mine, entry('hello', 'u_ann').id, 'u_me', '❤️', true)),
      local(mine, () => setReceipt(mine, 'u_me', entry('hello', 'u_ann').id, 10)),
    ];
    const carried = carriedChanges(mine, later);
    const rebuilt = device(server);
    reapply(rebuilt, SEG, carried);
    const { edits, reactions, receipts } = segmentOf(rebuilt);
    expect(edits.size).toBe(0);
    expect([...reactions.keys()]).toEqual([reactionKey(entry('hello', 'u_ann').id, 'u_me', '❤️')]);
    expect(receipts.get('u_me')?.messageId).toBe(entry('hello', 'u_ann').id);

    // In the user document: a read position another device moved further meanwhile stays.
    const userServer = new Y.Doc();
    const me = device(userServer);
    const refusedDraft = local(me, () => userDocOf(me).drafts.set('c_b', 'x'.repeat(10)));
    const laterUser = [
      local(me, () => markRead(me, 'c_a', { segment: 0, messageId: 'mold', at: 5 }, () => true)),
      local(me, () => userDocOf(me).drafts.set('c_a', 'a draft')),
    ];
    expect(refusedDraft.length).toBeGreaterThan(0);
    userDocOf(userServer).readPositions.set('c_a', { segment: 0, messageId: 'mnew', at: 9 });
    const rebuiltUser = device(userServer);
    reapply(rebuiltUser, 'user:u_me', carriedChanges(me, laterUser));
    expect(userDocOf(rebuiltUser).readPositions.get('c_a')?.messageId).toBe('mnew');
    expect(userDocOf(rebuiltUser).drafts.get('c_a')).toBe('a draft');
    expect(userDocOf(rebuiltUser).drafts.has('c_b')).toBe(false);
  });
});
