import {
  appendMessage,
  ATTACHMENT_LIMITS,
  CLOSE_CODES,
  deleteMessage,
  editMessage,
  SEGMENT_HARD_LIMIT,
  segmentOf,
  setReaction,
  SYNC_LIMITS,
  userDocOf,
  type CloseReason,
  type MessageEntry,
} from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Role } from '../../conversations/membership-store.ts';
import type { StoredUpdate } from '../store/doc-store.ts';
import { LiveDoc } from './live-doc.ts';
import { validateUpdate } from './validate-update.ts';

/**
 * validateUpdate is pure: a live document (what the server holds), one update, the sender and
 * its role in, a verdict out. Each row of the tables below is one way a device can get an update
 * refused, with the reason the server answers; a few rows are what an honest device does.
 */
const ALICE = 'u_alice';
const BOB = 'u_bob';
const MALLORY = 'u_mallory';
const SEGMENT = 'conv:c_club:seg:0';

const entry = (
  id: string,
  author: string,
  text = 'hello',
  extra: Partial<MessageEntry> = {},
): MessageEntry => ({
  id,
  author,
  text,
  sentAt: 1_700_000_000_000,
  ...extra,
});

/** A device of `user` writing into `doc`; captures the update of each change. */
class Device {
  readonly doc = new Y.Doc();
  constructor(readonly user: string) {}

  static from(user: string, live: LiveDoc, clientId?: number): Device {
    const device = new Device(user);
    Y.applyUpdate(device.doc, Y.encodeStateAsUpdate(live.doc));
    // After applying: Yjs picks a new client id when a remote update uses the doc's own.
    if (clientId !== undefined) device.doc.clientID = clientId;
    return device;
  }

  change(mutate: (doc: Y.Doc) => void): Uint8Array {
    let captured: Uint8Array | undefined;
    const listen = (update: Uint8Array): void => {
      captured = captured ? Y.mergeUpdates([captured, update]) : update;
    };
    this.doc.on('update', listen);
    mutate(this.doc);
    this.doc.off('update', listen);
    if (!captured) throw new Error('the change produced no update');
    return captured;
  }
}

/** The server's live document, loaded from a log of updates by their writers (as LiveDoc.load reads it from a store). */
function liveFrom(docId: string, writes: { update: Uint8Array; user: string }[]): LiveDoc {
  const clients = new Map<number, string>();
  const log: StoredUpdate[] = writes.map(({ update, user }, i) => {
    for (const client of Y.parseUpdateMeta(update).from.keys())
      if (!clients.has(client)) clients.set(client, user);
    return { seq: i + 1, data: update };
  });
  return LiveDoc.fromStored(docId, { snapshot: null, log, clients });
}

/** A segment where Alice and Bob each wrote one message, Bob reacted to Alice's and Alice edited hers. */
function club(): { live: LiveDoc; alice: Device; bob: Device; first: Uint8Array } {
  const alice = new Device(ALICE);
  const bob = new Device(BOB);
  const first = alice.change((d) => appendMessage(d, entry('mAlice0001', ALICE)));
  Y.applyUpdate(bob.doc, first);
  const second = bob.change((d) => {
    appendMessage(d, entry('mBob000001', BOB));
    setReaction(d, 'mAlice0001', BOB, '👍', true);
  });
  Y.applyUpdate(alice.doc, second);
  const third = alice.change((d) => editMessage(d, 'mAlice0001', 'hello, edited', 2));
  Y.applyUpdate(bob.doc, third);
  const live = liveFrom(SEGMENT, [
    { update: first, user: ALICE },
    { update: second, user: BOB },
    { update: third, user: ALICE },
  ]);
  return { live, alice, bob, first };
}

interface Case {
  rule: string;
  name: string;
  reason: CloseReason;
  /** Who sends, and with which role in the conversation. */
  sender?: string;
  role?: Role | null;
  /** Builds the update against the club segment. */
  update: (world: ReturnType<typeof club>) => Uint8Array;
}

const mallory = (live: LiveDoc, clientId?: number) => Device.from(MALLORY, live, clientId);

const segmentCases: Case[] = [
  {
    rule: 'VAL5',
    name: 'an update over MAX_UPDATE_BYTES',
    reason: 'update_too_large',
    update: () => new Uint8Array(SYNC_LIMITS.MAX_UPDATE_BYTES + 1),
  },
  {
    rule: 'VAL5',
    name: 'bytes that are not a Yjs update',
    reason: 'update_malformed',
    update: () => new Uint8Array([1, 2, 3, 255, 255]),
  },
  {
    rule: 'VAL1',
    name: "a struct under another user's client id",
    reason: 'update_foreign_client',
    update: ({ live, alice }) =>
      mallory(live, alice.doc.clientID).change((d) => appendMessage(d, entry('mMallory01', MALLORY))),
  },
  {
    rule: 'VAL6',
    name: 'a struct that skips clocks the server does not have',
    reason: 'update_missing_dependency',
    update: ({ live }) => {
      const device = mallory(live);
      device.change((d) => appendMessage(d, entry('mMallory01', MALLORY)));
      return device.change((d) => appendMessage(d, entry('mMallory02', MALLORY)));
    },
  },
  {
    rule: 'VAL6',
    name: 'an entry placed next to one the server does not have',
    reason: 'update_missing_dependency',
    update: ({ live }) => {
      const unsent = new Device(MALLORY);
      Y.applyUpdate(unsent.doc, Y.encodeStateAsUpdate(live.doc));
      unsent.doc.clientID = 4242;
      unsent.change((d) => appendMessage(d, entry('mUnsent001', MALLORY)));
      const device = mallory(live, 4343);
      Y.applyUpdate(device.doc, Y.encodeStateAsUpdate(unsent.doc));
      return device.change((d) => appendMessage(d, entry('mMallory01', MALLORY)));
    },
  },
  {
    rule: 'VAL6',
    name: 'a deletion of an entry the server does not have',
    reason: 'update_missing_dependency',
    update: () => {
      const ds = new Y.Doc();
      ds.clientID = 777;
      const struct = ds.getMap('reactions');
      struct.set('x', { at: 1 });
      // Only the deletion of client 777's entry travels; the server never saw the entry itself.
      const meta = Y.encodeStateVector(ds);
      struct.delete('x');
      return Y.encodeStateAsUpdate(ds, meta);
    },
  },
  {
    rule: 'VAL2',
    name: 'an unknown root type',
    reason: 'update_schema',
    update: ({ live }) => mallory(live).change((d) => d.getMap('admin').set('x', 1)),
  },
  {
    rule: 'VAL2',
    name: 'a nested type inside a root',
    reason: 'update_schema',
    update: ({ live }) => mallory(live).change((d) => segmentOf(d).edits.set('nested', new Y.Map() as never)),
  },
  {
    rule: 'VAL2',
    name: 'a map root used as an array',
    reason: 'update_schema',
    update: ({ live }) => mallory(live).change((d) => d.getArray('edits').insert(0, [{ text: 'x', at: 1 }])),
  },
  {
    rule: 'VAL2',
    name: 'an array root used as a map',
    reason: 'update_schema',
    update: ({ live }) =>
      mallory(live).change((d) => d.getMap('messages').set('x', entry('mMallory01', MALLORY))),
  },
  {
    rule: 'VAL2',
    name: 'text content instead of plain JSON',
    reason: 'update_schema',
    update: ({ live }) => mallory(live).change((d) => d.getText('messages').insert(0, 'hi')),
  },
  {
    rule: 'VAL2',
    name: 'binary content instead of plain JSON',
    reason: 'update_schema',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).edits.set('mAlice0001', new Uint8Array([1]) as never)),
  },
  {
    rule: 'VAL3',
    name: 'a message naming another author',
    reason: 'update_wrong_author',
    update: ({ live }) => mallory(live).change((d) => appendMessage(d, entry('mMallory01', ALICE))),
  },
  {
    rule: 'VAL3',
    name: 'a message by the system author',
    reason: 'update_wrong_author',
    update: ({ live }) => mallory(live).change((d) => appendMessage(d, entry('mMallory01', 'system'))),
  },
  {
    rule: 'DM4',
    name: 'a message over MAX_MESSAGE_CHARS',
    reason: 'update_wrong_author',
    update: ({ live }) =>
      mallory(live).change((d) =>
        appendMessage(d, entry('mMallory01', MALLORY, 'x'.repeat(SYNC_LIMITS.MAX_MESSAGE_CHARS + 1))),
      ),
  },
  {
    rule: 'DM4',
    name: 'a message with a field the schema does not have',
    reason: 'update_wrong_author',
    update: ({ live }) =>
      mallory(live).change((d) =>
        segmentOf(d).messages.insert(segmentOf(d).messages.length, [
          { ...entry('mMallory01', MALLORY), pinned: true } as MessageEntry,
        ]),
      ),
  },
  {
    rule: 'DM4',
    name: 'a message reusing an existing id',
    reason: 'update_schema',
    update: ({ live }) => mallory(live).change((d) => appendMessage(d, entry('mAlice0001', MALLORY))),
  },
  {
    rule: 'DM2',
    name: 'a message beyond SEGMENT_HARD_LIMIT',
    reason: 'update_schema',
    update: ({ live }) => {
      // Fill the server's copy to the hard limit with Alice's messages first.
      const filler = Device.from(ALICE, live);
      const count = SEGMENT_HARD_LIMIT - live.messageCount();
      const entries = Array.from({ length: count }, (_, i) => entry(`mFill${i}xxxx`, ALICE));
      const fill = filler.change((d) => segmentOf(d).messages.insert(live.messageCount(), entries));
      Y.applyUpdate(live.doc, fill);
      for (const client of Y.parseUpdateMeta(fill).from.keys()) live.clients.set(client, ALICE);
      return mallory(live).change((d) => appendMessage(d, entry('mMallory01', MALLORY)));
    },
  },
  {
    rule: 'VAL4',
    name: "an edit of another member's message",
    reason: 'update_not_owner',
    update: ({ live }) => mallory(live).change((d) => editMessage(d, 'mAlice0001', 'mine now', 3)),
  },
  {
    rule: 'VAL4',
    name: 'an edit that is not { text, at }',
    reason: 'update_wrong_author',
    update: ({ live }) =>
      Device.from(ALICE, live).change((d) => segmentOf(d).edits.set('mAlice0001', { text: '' } as never)),
  },
  {
    rule: 'VAL4',
    name: "a member deleting another member's message",
    reason: 'update_not_owner',
    role: 'member',
    update: ({ live }) => mallory(live).change((d) => deleteMessage(d, 'mAlice0001', MALLORY, 3)),
  },
  {
    rule: 'VAL4',
    name: 'a deletion naming someone other than its sender',
    reason: 'update_wrong_author',
    update: ({ live }) => mallory(live).change((d) => deleteMessage(d, 'mAlice0001', ALICE, 3)),
  },
  {
    rule: 'VAL4',
    name: 'a deletion that is not { by, at }',
    reason: 'update_wrong_author',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).deletions.set('mAlice0001', { at: 3 } as never)),
  },
  {
    rule: 'VAL4',
    name: 'a deletion of a message not in this segment',
    reason: 'update_not_owner',
    role: 'owner',
    update: ({ live }) => mallory(live).change((d) => deleteMessage(d, 'mNowhere001', MALLORY, 3)),
  },
  {
    rule: 'VAL4',
    name: 'a reaction in another user’s name',
    reason: 'update_not_owner',
    update: ({ live }) => mallory(live).change((d) => setReaction(d, 'mAlice0001', BOB, '🎉', true)),
  },
  {
    rule: 'VAL4',
    name: 'a reaction key that is not messageId|userId|emoji',
    reason: 'update_schema',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).reactions.set('mAlice0001|u_mallory', { at: 1 })),
  },
  {
    rule: 'VAL4',
    name: 'a reaction that is not { at }',
    reason: 'update_schema',
    update: ({ live }) =>
      mallory(live).change((d) =>
        segmentOf(d).reactions.set(`mAlice0001|${MALLORY}|🎉`, { at: 1, x: 1 } as never),
      ),
  },
  {
    rule: 'VAL4',
    name: 'a reaction to a message not in this segment',
    reason: 'update_schema',
    update: ({ live }) => mallory(live).change((d) => setReaction(d, 'mNowhere001', MALLORY, '🎉', true)),
  },
  {
    rule: 'VAL4',
    name: 'deleting a message entry (messages are append-only)',
    reason: 'update_not_owner',
    update: ({ live }) => Device.from(ALICE, live).change((d) => segmentOf(d).messages.delete(0, 1)),
  },
  {
    rule: 'VAL4',
    name: "removing another user's reaction",
    reason: 'update_not_owner',
    update: ({ live }) => mallory(live).change((d) => setReaction(d, 'mAlice0001', BOB, '👍', false)),
  },
  {
    rule: 'VAL4',
    name: "a member removing the author's edit",
    reason: 'update_not_owner',
    role: 'member',
    update: ({ live }) => mallory(live).change((d) => segmentOf(d).edits.delete('mAlice0001')),
  },
  {
    rule: 'RC1',
    name: "a receipt under another reader's key",
    reason: 'update_not_owner',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).receipts.set(BOB, { messageId: 'mAlice0001', at: 5 })),
  },
  {
    rule: 'RC1',
    name: 'a receipt that is not { messageId, at }',
    reason: 'update_schema',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).receipts.set(MALLORY, { messageId: 'mAlice0001' } as never)),
  },
  {
    rule: 'RC1',
    name: 'a receipt naming a message not in this segment',
    reason: 'update_schema',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).receipts.set(MALLORY, { messageId: 'mNowhere001', at: 5 })),
  },
  {
    rule: 'PL1',
    name: "a voice note marked played under another listener's key",
    reason: 'update_not_owner',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).played.set(`mAlice0001|${BOB}`, { at: 5 })),
  },
  {
    rule: 'PL1',
    name: 'a played mark that is not { at }',
    reason: 'update_schema',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).played.set(`mAlice0001|${MALLORY}`, { at: 5, x: 1 } as never)),
  },
  {
    rule: 'PL1',
    name: 'a played mark for a message not in this segment',
    reason: 'update_schema',
    update: ({ live }) =>
      mallory(live).change((d) => segmentOf(d).played.set(`mNowhere001|${MALLORY}`, { at: 5 })),
  },
  {
    rule: 'PL1',
    name: 'a played mark keyed other than messageId|userId',
    reason: 'update_schema',
    update: ({ live }) => mallory(live).change((d) => segmentOf(d).played.set(MALLORY, { at: 5 })),
  },
];

describe('validateUpdate refuses, segment documents', () => {
  it.each(segmentCases.map((c) => [`[${c.rule}] ${c.name} → ${c.reason}`, c] as const))(
    '%s',
    (_, { reason, sender = MALLORY, role = 'member', update }) => {
      const world = club();
      const bytes = update(world);
      const before = Y.encodeStateAsUpdate(world.live.doc);
      const verdict = validateUpdate(world.live, bytes, sender, role);
      expect(verdict).toMatchObject({ ok: false, reason });
      expect(CLOSE_CODES[reason]).toBeDefined();
      // Pure: the live document is exactly what it was.
      expect(Y.encodeStateAsUpdate(world.live.doc)).toEqual(before);
    },
  );
});

const userCases: { name: string; change: (d: Y.Doc) => void }[] = [
  {
    name: 'a read position keyed by something other than a conversation id',
    change: (d) => userDocOf(d).readPositions.set('../x', { segment: 0, messageId: 'mAlice0001', at: 1 }),
  },
  {
    name: 'a read position that is not { segment, messageId, at }',
    change: (d) => userDocOf(d).readPositions.set('c_club', { segment: -1, messageId: 'mAlice0001', at: 1 }),
  },
  {
    name: 'a draft keyed by something other than a conversation id',
    change: (d) => userDocOf(d).drafts.set('nope!', 'hi'),
  },
  {
    name: 'a draft over MAX_MESSAGE_CHARS',
    change: (d) => userDocOf(d).drafts.set('c_club', 'x'.repeat(SYNC_LIMITS.MAX_MESSAGE_CHARS + 1)),
  },
  { name: 'an unknown setting', change: (d) => userDocOf(d).settings.set('admin', true) },
  {
    name: 'a setting with a value it cannot have',
    change: (d) => userDocOf(d).settings.set('theme', 'neon' as never),
  },
  {
    name: 'a mute keyed by something other than a conversation id',
    change: (d) => userDocOf(d).muted.set('../x', true),
  },
  {
    name: 'a mute whose value is not true',
    change: (d) => userDocOf(d).muted.set('c_club', 'yes' as never),
  },
  {
    name: 'a segment root in the user document',
    change: (d) => segmentOf(d).messages.insert(0, [entry('mAlice0001', ALICE)]),
  },
];

describe('validateUpdate refuses, user documents', () => {
  it.each(userCases)('[DM5] $name → update_schema', ({ change }) => {
    const live = liveFrom('user:u_alice', []);
    const verdict = validateUpdate(live, new Device(ALICE).change(change), ALICE, null);
    expect(verdict).toMatchObject({ ok: false, reason: 'update_schema' });
  });
});

describe('validateUpdate accepts what honest devices write', () => {
  it('[VAL3] a message by its author, appended, with its new client id and message reported', () => {
    const { live } = club();
    const device = Device.from(BOB, live);
    const verdict = validateUpdate(
      live,
      device.change((d) => appendMessage(d, entry('mBob000002', BOB))),
      BOB,
      'member',
    );
    expect(verdict).toEqual({
      ok: true,
      noop: false,
      newClients: [device.doc.clientID],
      newMessages: [{ id: 'mBob000002', author: BOB }],
      blobs: [],
      deletedMessages: [],
    });
  });

  it("[VAL4] an owner deleting a member's message, and a user taking back their own reaction", () => {
    const { live, bob } = club();
    const owner = Device.from(ALICE, live);
    expect(
      validateUpdate(
        live,
        owner.change((d) => deleteMessage(d, 'mBob000001', ALICE, 4)),
        ALICE,
        'owner',
      ),
    ).toMatchObject({ ok: true, deletedMessages: ['mBob000001'] });
    const sameBob = Device.from(BOB, live, bob.doc.clientID + 1);
    expect(
      validateUpdate(
        live,
        sameBob.change((d) => setReaction(d, 'mAlice0001', BOB, '👍', false)),
        BOB,
        'member',
      ),
    ).toMatchObject({ ok: true });
  });

  it('[UP4] an update the document already holds is a noop', () => {
    const { live, alice } = club();
    expect(validateUpdate(live, Y.encodeStateAsUpdate(alice.doc), ALICE, 'member')).toMatchObject({
      ok: true,
      noop: true,
    });
  });

  it('[RC1] the reader writing its own receipt for a message of the segment', () => {
    const { live } = club();
    const device = Device.from(BOB, live);
    const update = device.change((d) => segmentOf(d).receipts.set(BOB, { messageId: 'mAlice0001', at: 6 }));
    expect(validateUpdate(live, update, BOB, 'member')).toMatchObject({ ok: true, noop: false });
  });

  it('[PL1] the listener marking a voice note of the segment played', () => {
    const { live } = club();
    const device = Device.from(BOB, live);
    const update = device.change((d) => segmentOf(d).played.set(`mAlice0001|${BOB}`, { at: 6 }));
    expect(validateUpdate(live, update, BOB, 'member')).toMatchObject({ ok: true, noop: false });
  });

  it('[DM5] read positions, drafts, settings and mutes in the user document', () => {
    const live = liveFrom('user:u_alice', []);
    const update = new Device(ALICE).change((d) => {
      userDocOf(d).readPositions.set('c_club', { segment: 0, messageId: 'mAlice0001', at: 1 });
      userDocOf(d).drafts.set('c_club', 'half a thought');
      userDocOf(d).settings.set('theme', 'dark');
      userDocOf(d).muted.set('c_club', true);
    });
    expect(validateUpdate(live, update, ALICE, null)).toMatchObject({ ok: true });
  });
});

describe('validateUpdate keeps history in place', () => {
  /** A device of `user` that has only Alice's first message (it went offline before Bob wrote). */
  function early(first: Uint8Array, user: string, clientId: number): Device {
    const device = new Device(user);
    Y.applyUpdate(device.doc, first);
    device.doc.clientID = clientId;
    return device;
  }
  const stateOf = (device: Device) => Y.encodeStateVector(device.doc);
  const everything = (live: LiveDoc) => Y.decodeStateVector(Y.encodeStateVector(live.doc));

  it('[POS1] refuses a message inserted anywhere but at the end', () => {
    const { live } = club();
    const device = Device.from(MALLORY, live);
    const before = stateOf(device);
    const update = device.change((d) =>
      segmentOf(d).messages.insert(0, [entry('mMallory01', MALLORY, 'I was here first')]),
    );
    expect(validateUpdate(live, update, MALLORY, 'member', { basis: before })).toMatchObject({
      ok: false,
      reason: 'update_out_of_order',
    });
  });

  it('[POS2] refuses a message put after an old one by a low client id when its device had seen the newer ones', () => {
    const { live, first } = club();
    const forger = early(first, MALLORY, 1);
    const update = forger.change((d) => appendMessage(d, entry('mMallory01', MALLORY, 'I was here first')));
    // Yjs would put it right after Alice's message, before Bob's, which the device states it had seen.
    const fullBasis = Y.encodeStateVector(live.doc);
    expect(validateUpdate(live, update, MALLORY, 'member', { basis: fullBasis })).toMatchObject({
      ok: false,
      reason: 'update_out_of_order',
    });
  });

  it('[POS3] takes a device to have seen what it declared at subscribe, for what it makes afterwards', () => {
    const { live, first } = club();
    const forger = early(first, MALLORY, 1);
    const update = forger.change((d) => appendMessage(d, entry('mMallory01', MALLORY, 'I was here first')));
    // It states the old basis, but subscribed declaring everything and made this afterwards.
    const seen = { basis: stateOf(early(first, MALLORY, 2)), declared: everything(live) };
    expect(validateUpdate(live, update, MALLORY, 'member', seen)).toMatchObject({
      ok: false,
      reason: 'update_out_of_order',
    });
  });

  it('[POS2] accepts a device that wrote offline against an old state, wherever Yjs puts it among what it had not seen', () => {
    const { live, first } = club();
    for (const clientId of [1, 2 ** 31]) {
      const offline = early(first, BOB, clientId);
      const basis = stateOf(offline);
      const update = offline.change((d) => {
        appendMessage(d, entry('mOffline01', BOB, 'written on the train'));
        appendMessage(d, entry('mOffline02', BOB, 'still no signal'));
      });
      // Its outbox, resent after a subscribe that declared everything it holds (these messages included).
      const declared = Y.decodeStateVector(Y.encodeStateVector(offline.doc));
      expect(validateUpdate(live, update, BOB, 'member', { basis, declared })).toMatchObject({ ok: true });
    }
  });

  it('[POS2] accepts an honest append by a device that has everything', () => {
    const { live } = club();
    const device = Device.from(BOB, live, 1);
    const basis = stateOf(device);
    const update = device.change((d) => appendMessage(d, entry('mBob000002', BOB, 'latest')));
    expect(validateUpdate(live, update, BOB, 'member', { basis, declared: everything(live) })).toMatchObject({
      ok: true,
    });
  });

  it('[POS2] refuses a basis that is not a state vector', () => {
    const { live } = club();
    const device = Device.from(MALLORY, live);
    const update = device.change((d) => appendMessage(d, entry('mMallory01', MALLORY)));
    expect(validateUpdate(live, update, MALLORY, 'member', { basis: new Uint8Array([5, 1]) })).toMatchObject({
      ok: false,
      reason: 'update_malformed',
    });
  });
});

describe('validateUpdate and attachments (VAL7–VAL9)', () => {
  const FILE = 'ab'.repeat(32);
  const THUMB = 'cd'.repeat(32);
  const picture = {
    kind: 'image' as const,
    cipher: 'aes256gcm-chunked-v1' as const,
    blob: FILE,
    key: 'A'.repeat(42) + 'w',
    size: 3_000_000,
    chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
    type: 'image/jpeg',
    name: 'beach.jpg',
    width: 800,
    height: 600,
    thumbnail: {
      blob: THUMB,
      key: 'B'.repeat(42) + 'w',
      size: 9_000,
      type: 'image/webp' as const,
      width: 80,
      height: 60,
    },
  };
  // 3,000,000 bytes are 3 chunks: 48 bytes of tags; the thumbnail one chunk: 16.
  const stored = new Map([
    [FILE, 3_000_048],
    [THUMB, 9_016],
  ]);
  const rules = { maxFileBytes: ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES };
  const send = (attachments: unknown[], usable?: ReadonlyMap<string, number>, text = '') => {
    const { live } = club();
    const device = Device.from(BOB, live);
    const update = device.change((d) =>
      appendMessage(d, entry('mBobPhoto1', BOB, text, { attachments } as Partial<MessageEntry>)),
    );
    return validateUpdate(live, update, BOB, 'member', {}, { ...rules, usable });
  };

  it('[VAL7] a message of attachments only, its blobs listed for the store to answer', () => {
    expect(send([picture])).toMatchObject({
      ok: true,
      newMessages: [{ id: 'mBobPhoto1', author: BOB, blobs: [FILE, THUMB] }],
      blobs: [FILE, THUMB],
    });
  });

  it('[VAL7] refuses a malformed entry, too many, a file over the cap, one blob given two sizes', () => {
    const wrong = (attachments: unknown[], maxFileBytes = rules.maxFileBytes) => {
      const { live } = club();
      const update = Device.from(BOB, live).change((d) =>
        appendMessage(d, entry('mBobPhoto1', BOB, '', { attachments } as Partial<MessageEntry>)),
      );
      return validateUpdate(live, update, BOB, 'member', {}, { maxFileBytes });
    };
    const refused = { ok: false, reason: 'update_wrong_author' };
    expect(wrong([{ ...picture, blob: FILE.toUpperCase() }])).toMatchObject(refused);
    expect(wrong(Array.from({ length: ATTACHMENT_LIMITS.MAX_PER_MESSAGE + 1 }, () => picture))).toMatchObject(
      refused,
    );
    expect(wrong([picture], 1_000_000)).toMatchObject(refused);
    expect(wrong([picture, { ...picture, size: 5 }])).toMatchObject(refused);
  });

  it('[VAL8] refuses a blob the store did not answer for, or of another size than stored', () => {
    expect(send([picture], stored)).toMatchObject({ ok: true });
    expect(send([picture], new Map([[FILE, 3_000_048]]))).toMatchObject({
      ok: false,
      reason: 'update_attachment_refused',
    });
    expect(send([picture], new Map([...stored, [FILE, 3_000_000]]))).toMatchObject({
      ok: false,
      reason: 'update_attachment_refused',
    });
  });

  it('[VAL8] refuses every attachment where the engine keeps no blobs', () => {
    const { live } = club();
    const update = Device.from(BOB, live).change((d) =>
      appendMessage(d, entry('mBobPhoto1', BOB, 'hi', { attachments: [picture] })),
    );
    expect(validateUpdate(live, update, BOB, 'member')).toMatchObject({
      ok: false,
      reason: 'update_attachment_refused',
    });
  });

  it('[VAL9] refuses an edit that would swap attachments: they never change once sent', () => {
    const { live } = club();
    const update = Device.from(BOB, live).change((d) =>
      segmentOf(d).edits.set('mBob000001', { text: 'new', at: 5, attachments: [picture] } as never),
    );
    expect(validateUpdate(live, update, BOB, 'member', {}, rules)).toMatchObject({
      ok: false,
      reason: 'update_wrong_author',
    });
  });
});
