import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  appendMessage,
  ATTACHMENT_LIMITS,
  CLOSE_CODES,
  checkAwarenessPayload,
  deleteMessage,
  editMessage,
  encodeAwareness,
  encodeClientFrame,
  markPlayed,
  playedKey,
  readMessages,
  readReceipts,
  segmentDocId,
  SEGMENT_MESSAGES,
  segmentOf,
  setReceipt,
  SYNC_LIMITS,
  userDocId,
  type AttachmentEntry,
  type MessageEntry,
} from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startServer, type RunningServer } from '../../harness/server.ts';
import {
  eventually,
  messageEntry,
  nodeDevice,
  RawPeer,
  replicaOf,
  Seeder,
  tempDataDir,
  updateOf,
} from '../../harness/sync.ts';
import { fakeCiphertext, uploadBlob } from '../../harness/uploads.ts';
import { MemoryPersistence } from '../../../app/src/sync/index.ts';
import { SqliteDocStore } from '../../../sync-server/src/sync/index.ts';

/**
 * Hostile clients against the real built server, through the real socket. Users, sessions and
 * memberships are seeded into the data folder through the server's own stores before it starts.
 */
const data = tempDataDir('messenjo-hostile-');
let server: RunningServer;
let seed: Seeder;
let store: SqliteDocStore;
const people: Record<'alice' | 'bob' | 'carol' | 'mallory', { userId: string; cookie: string }> = {} as never;
let conv = '';
let otherConv = '';
let longConv = '';

beforeAll(async () => {
  // The built server advertises http://localhost:<port>; cookies are named by protocol only.
  const publicUrl = new URL('http://localhost');
  seed = Seeder.open(path.join(data.dir, 'messenjo.sqlite'));
  for (const name of ['alice', 'bob', 'carol', 'mallory'] as const)
    people[name] = await seed.user(name, publicUrl);
  conv = await seed.group('club', [
    { userId: people.alice.userId, role: 'owner' },
    { userId: people.bob.userId, role: 'member' },
    { userId: people.mallory.userId, role: 'member' },
  ]);
  otherConv = await seed.group('secret', [{ userId: people.carol.userId, role: 'owner' }]);
  longConv = await seed.group('long', [
    { userId: people.alice.userId, role: 'owner' },
    { userId: people.mallory.userId, role: 'member' },
  ]);
  server = await startServer({ dataDir: data.dir });
  store = new SqliteDocStore(seed.sqlite!);
});

afterAll(async () => {
  await server.stop('SIGTERM');
  await seed.close();
  data.remove();
});

const connect = (who: keyof typeof people, options?: { hello?: boolean; originHeader?: string }) =>
  RawPeer.connect(server.url, people[who].cookie, options);

const docId = () => segmentDocId(conv, 0);
const head = async (id: string) => (await store.heads([id])).get(id) ?? 0;

/** Alice sends one good message; returns its entry and the replica she used. */
async function aliceSays(text: string): Promise<MessageEntry> {
  const alice = await connect('alice');
  const doc = await replicaOf(alice, docId());
  const entry = messageEntry(people.alice.userId, text);
  alice.send({
    type: 'update',
    docId: docId(),
    ref: 1,
    update: updateOf(doc, (d) => appendMessage(d, entry)),
  });
  await alice.next('ack', (f) => f.ref === 1);
  alice.close();
  return entry;
}

/** Sends a refused update and checks: rejected frame, close code, nothing stored, nothing relayed. */
async function expectRefused(
  who: keyof typeof people,
  mutate: (doc: Y.Doc) => void,
  code: number,
  setup?: (doc: Y.Doc) => void,
): Promise<void> {
  const watcher = await connect('bob');
  const watched = await replicaOf(watcher, docId());
  const before = await head(docId());
  const peer = await connect(who);
  const doc = await replicaOf(peer, docId());
  setup?.(doc);
  peer.send({ type: 'update', docId: docId(), ref: 7, update: updateOf(doc, mutate) });
  const rejected = await peer.next('rejected');
  expect(rejected).toMatchObject({ docId: docId(), ref: 7, code });
  expect(await peer.waitClosed()).toBe(code);
  expect(await head(docId())).toBe(before);
  // Nothing relayed: a good update after the refusal goes through the same room in order, so
  // had the refused one been relayed it would reach the watcher first. Only the good one does.
  const after = await aliceSays('after the refusal');
  Y.applyUpdate(watched, (await watcher.next('update', (f) => f.docId === docId())).update);
  expect(segmentOf(watched).messages.toArray().at(-1)?.id).toBe(after.id);
  expect(watcher.frames.filter((f) => f.type === 'update')).toEqual([]);
  watcher.close();
}

describe('hostile clients at the upgrade', () => {
  it('[HS1] refuses a socket without a session (401), with a dead one (4005) or from another origin (403)', async () => {
    await expect(RawPeer.connect(server.url, 'other=1')).rejects.toThrow(/401/);
    const dead = await RawPeer.connect(server.url, 'messenjo_session=nope', { hello: false });
    expect(await dead.waitClosed()).toBe(CLOSE_CODES.unauthenticated.code);
    expect(dead.frames).toEqual([]);
    await expect(connect('alice', { originHeader: 'https://evil.example' })).rejects.toThrow(/403/);
  });

  it('[HS2] closes with protocol_version for another protocol version and hello_expected without hello', async () => {
    const old = await connect('alice', { hello: false });
    old.send({ type: 'hello', protocolVersion: 999 });
    expect(await old.waitClosed()).toBe(CLOSE_CODES.protocol_version.code);
    const rude = await connect('alice', { hello: false });
    rude.send({ type: 'unsubscribe', docIds: [] });
    expect(await rude.waitClosed()).toBe(CLOSE_CODES.hello_expected.code);
    // An unknown frame type is ignored only after the hello (HS3); before it, it is not a hello.
    const early = await connect('alice', { hello: false });
    early.sendBytes(new Uint8Array([99, 1, 2, 3]));
    expect(await early.waitClosed()).toBe(CLOSE_CODES.hello_expected.code);
    expect(early.frames).toEqual([]);
  });
});

describe('hostile frames', () => {
  it('[HS3] closes with malformed_frame on undecodable and text frames, and ignores unknown frame types', async () => {
    const curious = await connect('alice');
    curious.sendBytes(new Uint8Array([99, 1, 2, 3]));
    await replicaOf(curious, docId()); // still served after an unknown frame type
    curious.sendBytes(new Uint8Array([4, 200]));
    expect(await curious.waitClosed()).toBe(CLOSE_CODES.malformed_frame.code);
    const texter = await connect('alice');
    texter.sendBytes('{"type":"hello"}');
    expect(await texter.waitClosed()).toBe(CLOSE_CODES.malformed_frame.code);
  });

  it('[HS4] closes with frame_too_large on an oversized frame and rate_limited on a flood', async () => {
    const big = await connect('alice');
    big.sendBytes(new Uint8Array(SYNC_LIMITS.MAX_FRAME_BYTES + 1024).fill(3));
    expect(await big.waitClosed()).toBe(CLOSE_CODES.frame_too_large.code);
    // Far over the cap: refused by the socket library while reading, still with the protocol's code.
    const huge = await connect('alice');
    huge.sendBytes(new Uint8Array(2 * 1024 * 1024 + 1).fill(3));
    expect(await huge.waitClosed()).toBe(CLOSE_CODES.frame_too_large.code);
    const flood = await connect('alice');
    const junk = new Uint8Array([99]);
    for (let i = 0; i < SYNC_LIMITS.FRAME_BURST + 2000; i++) flood.sendBytes(junk);
    expect(await flood.waitClosed()).toBe(CLOSE_CODES.rate_limited.code);
  });
});

describe('hostile subscriptions', () => {
  it("[SUB2] denies a conversation one is not a member of and another user's private document", async () => {
    const mallory = await connect('mallory');
    mallory.send({
      type: 'subscribe',
      docs: [
        { docId: segmentDocId(otherConv, 0), seq: 0, stateVector: new Uint8Array([0]) },
        { docId: userDocId(people.alice.userId), seq: 0, stateVector: new Uint8Array([0]) },
        { docId: 'conv:../../etc:seg:0', seq: 0, stateVector: new Uint8Array([0]) },
      ],
    });
    expect(await mallory.next('denied', (f) => f.docId === segmentDocId(otherConv, 0))).toMatchObject({
      reason: 'not_member',
    });
    expect(await mallory.next('denied', (f) => f.docId === userDocId(people.alice.userId))).toMatchObject({
      reason: 'not_owner',
    });
    expect(await mallory.next('denied', (f) => f.docId.startsWith('conv:..'))).toMatchObject({
      reason: 'bad_doc_id',
    });
    expect(mallory.frames.filter((f) => f.type === 'sync')).toEqual([]);
    mallory.close();
  });

  it('[UP1] refuses an update to a document the socket has not subscribed to', async () => {
    const mallory = await connect('mallory');
    const doc = new Y.Doc();
    const update = updateOf(doc, (d) => appendMessage(d, messageEntry(people.mallory.userId, 'sneaky')));
    mallory.send({ type: 'update', docId: segmentDocId(otherConv, 0), ref: 1, update });
    expect(await mallory.waitClosed()).toBe(CLOSE_CODES.update_not_subscribed.code);
    expect(await head(segmentDocId(otherConv, 0))).toBe(0);
  });
});

describe('hostile updates are refused whole, stored state unchanged', () => {
  it("[VAL1] refuses writing with another user's Yjs client id", async () => {
    await aliceSays('my client id is mine');
    const aliceClient = [
      ...Y.decodeStateVector(Y.encodeStateVector(await replicaOf(await connect('bob'), docId()))),
    ][0]![0];
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, messageEntry(people.mallory.userId, 'as alice')),
      CLOSE_CODES.update_foreign_client.code,
      (d) => (d.clientID = aliceClient),
    );
  });

  it('[VAL3] refuses a message whose author is someone else, or whose text is out of bounds', async () => {
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, messageEntry(people.alice.userId, 'I am alice')),
      CLOSE_CODES.update_wrong_author.code,
    );
    await expectRefused(
      'mallory',
      (d) =>
        appendMessage(d, messageEntry(people.mallory.userId, 'x'.repeat(SYNC_LIMITS.MAX_MESSAGE_CHARS + 1))),
      CLOSE_CODES.update_wrong_author.code,
    );
  });

  it("[VAL4] refuses editing or deleting another member's message", async () => {
    const entry = await aliceSays('do not touch');
    await expectRefused(
      'mallory',
      (d) => editMessage(d, entry.id, 'touched', Date.now()),
      CLOSE_CODES.update_not_owner.code,
    );
    await expectRefused(
      'mallory',
      (d) => deleteMessage(d, entry.id, people.mallory.userId, Date.now()),
      CLOSE_CODES.update_not_owner.code,
    );
  });

  it("[VAL4] lets an owner delete another member's message", async () => {
    const bob = await connect('bob');
    const doc = await replicaOf(bob, docId());
    const entry = messageEntry(people.bob.userId, 'rude words');
    bob.send({
      type: 'update',
      docId: docId(),
      ref: 1,
      update: updateOf(doc, (d) => appendMessage(d, entry)),
    });
    await bob.next('ack');
    const alice = await connect('alice');
    const aliceDoc = await replicaOf(alice, docId());
    alice.send({
      type: 'update',
      docId: docId(),
      ref: 2,
      update: updateOf(aliceDoc, (d) => deleteMessage(d, entry.id, people.alice.userId, Date.now())),
    });
    expect((await alice.next('ack', (f) => f.ref === 2)).seq).toBeGreaterThan(0);
    expect((await bob.next('update')).docId).toBe(docId());
    alice.close();
    bob.close();
  });

  it("[RC1] refuses writing another reader's receipt (update_not_owner)", async () => {
    const entry = await aliceSays('read me');
    await expectRefused(
      'mallory',
      (d) => segmentOf(d).receipts.set(people.bob.userId, { messageId: entry.id, at: Date.now() }),
      CLOSE_CODES.update_not_owner.code,
    );
  });

  it('[RC1] refuses a receipt naming a message that is not in the segment (update_schema)', async () => {
    await expectRefused(
      'mallory',
      (d) =>
        segmentOf(d).receipts.set(people.mallory.userId, { messageId: 'mNotInThisSegment', at: Date.now() }),
      CLOSE_CODES.update_schema.code,
    );
  });

  it("[RC1] accepts the reader's own receipt and relays it to the other members", async () => {
    const entry = await aliceSays('did you read this?');
    const alice = await connect('alice');
    const aliceDoc = await replicaOf(alice, docId());
    const bob = await connect('bob');
    const bobDoc = await replicaOf(bob, docId());
    const before = await head(docId());
    const at = Date.now();
    bob.send({
      type: 'update',
      docId: docId(),
      ref: 4,
      update: updateOf(bobDoc, (d) => setReceipt(d, people.bob.userId, entry.id, at)),
    });
    expect((await bob.next('ack', (f) => f.ref === 4)).seq).toBe(before + 1);
    Y.applyUpdate(aliceDoc, (await alice.next('update', (f) => f.docId === docId())).update);
    expect(readReceipts(aliceDoc).get(people.bob.userId)).toEqual({ messageId: entry.id, at });
    alice.close();
    bob.close();
  });

  it("[PL1] refuses marking a voice note played for someone else, or removing another's mark (update_not_owner)", async () => {
    const entry = await aliceSays('a voice note');
    await expectRefused(
      'mallory',
      (d) => segmentOf(d).played.set(playedKey(entry.id, people.bob.userId), { at: Date.now() }),
      CLOSE_CODES.update_not_owner.code,
    );
    // Bob's own mark is taken, and relayed to Alice; Mallory cannot take it back for him.
    const alice = await connect('alice');
    const aliceDoc = await replicaOf(alice, docId());
    const bob = await connect('bob');
    const bobDoc = await replicaOf(bob, docId());
    bob.send({
      type: 'update',
      docId: docId(),
      ref: 5,
      update: updateOf(bobDoc, (d) => markPlayed(d, entry.id, people.bob.userId, Date.now())),
    });
    await bob.next('ack', (f) => f.ref === 5);
    Y.applyUpdate(aliceDoc, (await alice.next('update', (f) => f.docId === docId())).update);
    expect(readMessages(aliceDoc).find((m) => m.id === entry.id)?.playedBy).toEqual([people.bob.userId]);
    alice.close();
    bob.close();
    await expectRefused(
      'mallory',
      (d) => segmentOf(d).played.delete(playedKey(entry.id, people.bob.userId)),
      CLOSE_CODES.update_not_owner.code,
    );
  });

  it('[VAL2] refuses unknown root types and nested types', async () => {
    await expectRefused('mallory', (d) => d.getMap('admin').set('x', 1), CLOSE_CODES.update_schema.code);
    await expectRefused(
      'mallory',
      (d) => segmentOf(d).edits.set('nested', new Y.Map() as never),
      CLOSE_CODES.update_schema.code,
    );
  });

  it('[VAL5] refuses an oversized update', async () => {
    await expectRefused(
      'mallory',
      (d) =>
        d.transact(() => {
          for (let i = 0; i < 80; i++)
            appendMessage(d, messageEntry(people.mallory.userId, 'y'.repeat(3999)));
        }),
      CLOSE_CODES.update_too_large.code,
    );
  });

  it('[VAL6] refuses an update that skips clocks the server does not have, and takes it once the gap is filled', async () => {
    const before = await head(docId());
    const peer = await connect('mallory');
    const doc = await replicaOf(peer, docId());
    const first = updateOf(doc, (d) => appendMessage(d, messageEntry(people.mallory.userId, 'sent late')));
    const second = updateOf(doc, (d) => appendMessage(d, messageEntry(people.mallory.userId, 'sent first')));
    peer.send({ type: 'update', docId: docId(), ref: 9, update: second });
    expect(await peer.next('rejected')).toMatchObject({
      ref: 9,
      code: CLOSE_CODES.update_missing_dependency.code,
    });
    expect(await head(docId())).toBe(before);
    peer.send({ type: 'update', docId: docId(), ref: 10, update: first });
    peer.send({ type: 'update', docId: docId(), ref: 11, update: second });
    await peer.next('ack', (f) => f.ref === 11);
    expect(await head(docId())).toBe(before + 2);
    peer.close();
  });

  it('[UP2] a garbage update is refused with update_malformed and the server keeps serving', async () => {
    const before = await head(docId());
    const peer = await connect('mallory');
    await replicaOf(peer, docId());
    peer.sendBytes(
      encodeClientFrame({
        type: 'update',
        docId: docId(),
        ref: 3,
        update: new Uint8Array([1, 2, 3, 255, 255]),
      }),
    );
    expect(await peer.waitClosed()).toBe(CLOSE_CODES.update_malformed.code);
    expect(await head(docId())).toBe(before);
    const ready = await fetch(`${server.url.replace('localhost', '127.0.0.1')}/readyz`);
    expect(ready.status).toBe(200);
  });
});

describe('retried updates are stored once (SEQ3)', () => {
  it('[SEQ3] a retry of a stored update is acked, on a new socket, with the number it got, and not stored again', async () => {
    const updateId = randomBytes(16);
    const first = await connect('alice');
    const doc = await replicaOf(first, docId());
    const update = updateOf(doc, (d) => appendMessage(d, messageEntry(people.alice.userId, 'only once')));
    first.send({ type: 'update', docId: docId(), ref: 1, update, updateId });
    const { seq } = await first.next('ack', (f) => f.ref === 1);
    expect(seq).toBeGreaterThan(0);
    first.close();
    const before = await head(docId());
    // The ack was lost on the way: the device sends the update again from its outbox.
    const again = await connect('alice');
    await replicaOf(again, docId());
    again.send({ type: 'update', docId: docId(), ref: 5, update, updateId });
    expect(await again.next('ack', (f) => f.ref === 5)).toMatchObject({ seq });
    expect(await head(docId())).toBe(before);
    const stored = (await store.logAfter(docId(), 0)) ?? [];
    expect(stored.filter((entry) => Buffer.compare(entry.data, update) === 0)).toHaveLength(1);
    again.close();
  });

  it('[SEQ3] refuses an update id reused with other bytes (update_id_reused): the stored update stays, the server keeps serving', async () => {
    const updateId = randomBytes(16);
    const mallory = await connect('mallory');
    const doc = await replicaOf(mallory, docId());
    const original = updateOf(doc, (d) => appendMessage(d, messageEntry(people.mallory.userId, 'first')));
    mallory.send({ type: 'update', docId: docId(), ref: 1, update: original, updateId });
    const { seq } = await mallory.next('ack', (f) => f.ref === 1);
    const before = await head(docId());
    const other = updateOf(doc, (d) => appendMessage(d, messageEntry(people.mallory.userId, 'second')));
    mallory.send({ type: 'update', docId: docId(), ref: 2, update: other, updateId });
    const code = CLOSE_CODES.update_id_reused.code;
    expect(await mallory.next('rejected')).toMatchObject({ docId: docId(), ref: 2, code });
    expect(await mallory.waitClosed()).toBe(code);
    expect(await head(docId())).toBe(before);
    const stored = await store.logAfter(docId(), seq - 1);
    expect(stored?.[0]).toMatchObject({ seq, data: original });
    expect(stored?.some((entry) => Buffer.compare(entry.data, other) === 0)).toBe(false);
    // The document was read again from the store; the next good update is taken as usual.
    const after = await aliceSays('still served');
    const watcher = await connect('bob');
    const messages = segmentOf(await replicaOf(watcher, docId())).messages.toArray();
    expect(messages.map((m) => m.text)).toContain('first');
    expect(messages.at(-1)?.id).toBe(after.id);
    watcher.close();
  });
});

describe('a reused update id is refused before it touches the document (SEQ4)', () => {
  /**
   * Mallory stores `first` with an id, then sends other changes under the same id, after its ack
   * (the store knows the id) or right behind it (still committing). Bob, subscribed throughout,
   * must never receive the refused changes, and a device that subscribes afterwards must not
   * get them in its catch-up.
   */
  async function reuse(text: string, waitForAck: boolean): Promise<void> {
    const updateId = randomBytes(16);
    const watcher = await connect('bob');
    const watched = await replicaOf(watcher, docId());
    const mallory = await connect('mallory');
    const doc = await replicaOf(mallory, docId());
    const first = messageEntry(people.mallory.userId, `${text}: first`);
    mallory.send({
      type: 'update',
      docId: docId(),
      ref: 1,
      update: updateOf(doc, (d) => appendMessage(d, first)),
      updateId,
    });
    if (waitForAck) await mallory.next('ack', (f) => f.ref === 1);
    const ghost = messageEntry(people.mallory.userId, `${text}: never stored`);
    mallory.send({
      type: 'update',
      docId: docId(),
      ref: 2,
      update: updateOf(doc, (d) => appendMessage(d, ghost)),
      updateId,
    });
    const code = CLOSE_CODES.update_id_reused.code;
    expect(await mallory.next('rejected')).toMatchObject({ docId: docId(), ref: 2, code });
    expect(await mallory.waitClosed()).toBe(code);
    // A good update after the refusal goes through the same room in order: had the refused one
    // been relayed, the watcher would hold it by the time the good one arrives.
    const after = await aliceSays(`${text}: after`);
    await eventually(() => {
      for (const frame of watcher.frames.splice(0))
        if (frame.type === 'update' && frame.docId === docId()) Y.applyUpdate(watched, frame.update);
      return segmentOf(watched).messages.toArray().at(-1)?.id === after.id;
    }, 'the watcher has the good update');
    const seen = segmentOf(watched)
      .messages.toArray()
      .map((m) => m.id);
    expect(seen).toContain(first.id);
    expect(seen).not.toContain(ghost.id);
    watcher.close();
    const fresh = await connect('bob');
    const caughtUp = segmentOf(await replicaOf(fresh, docId()))
      .messages.toArray()
      .map((m) => m.id);
    expect(caughtUp).toEqual(expect.arrayContaining([first.id, after.id]));
    expect(caughtUp).not.toContain(ghost.id);
    fresh.close();
    const stored = (await store.logAfter(docId(), 0)) ?? [];
    expect(stored.some((entry) => Buffer.from(entry.data).includes(Buffer.from(ghost.text)))).toBe(false);
  }

  it('[SEQ4] an id stored already, with other bytes: never relayed to another device, never in a catch-up', async () => {
    await reuse('stored', true);
  });

  it('[SEQ4] an id still committing, with other bytes right behind it: the first is acked, the second never relayed', async () => {
    await reuse('committing', false);
  });
});

describe('hostile attachments', () => {
  /** A file entry for stand-in ciphertext of `bytes` bytes (one chunk: the plaintext is 16 bytes less). */
  const fileEntry = (blob: string, bytes: number): AttachmentEntry => ({
    kind: 'file',
    cipher: 'aes256gcm-chunked-v1',
    blob,
    key: 'A'.repeat(42) + 'w',
    size: bytes - ATTACHMENT_LIMITS.GCM_TAG_BYTES,
    chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
    type: 'application/pdf',
    name: 'plan.pdf',
  });
  const withFiles = (author: string, attachments: unknown[], text = ''): MessageEntry =>
    ({ ...messageEntry(author, text), attachments }) as MessageEntry;
  const uploaded = async (who: keyof typeof people, conversation: string, bytes = 2_000) => {
    const data = fakeCiphertext(bytes);
    expect((await uploadBlob(server.url, people[who], conversation, data)).status).toBe(204);
    return data.blob;
  };

  it('[VAL7] [VAL8] takes a message of files only whose blobs the sender uploaded for this conversation, and relays it', async () => {
    const blob = await uploaded('mallory', conv);
    const bob = await connect('bob');
    const bobDoc = await replicaOf(bob, docId());
    const mallory = await connect('mallory');
    const doc = await replicaOf(mallory, docId());
    const entry = withFiles(people.mallory.userId, [fileEntry(blob, 2_000)]);
    const update = updateOf(doc, (d) => appendMessage(d, entry));
    mallory.send({ type: 'update', docId: docId(), ref: 1, update });
    expect((await mallory.next('ack', (f) => f.ref === 1)).seq).toBeGreaterThan(0);
    Y.applyUpdate(bobDoc, (await bob.next('update', (f) => f.docId === docId())).update);
    expect(segmentOf(bobDoc).messages.toArray().at(-1)).toEqual(entry);
    mallory.close();
    bob.close();
  });

  it("[VAL8] refuses someone else's blob, a blob uploaded for another conversation, one never uploaded, and a size that is not the blob's", async () => {
    const refused = CLOSE_CODES.update_attachment_refused.code;
    const alices = await uploaded('alice', conv);
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, withFiles(people.mallory.userId, [fileEntry(alices, 2_000)])),
      refused,
    );
    const elsewhere = await uploaded('mallory', longConv);
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, withFiles(people.mallory.userId, [fileEntry(elsewhere, 2_000)])),
      refused,
    );
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, withFiles(people.mallory.userId, [fileEntry('0'.repeat(64), 2_000)])),
      refused,
    );
    const own = await uploaded('mallory', conv);
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, withFiles(people.mallory.userId, [fileEntry(own, 1_000)])),
      refused,
    );
  });

  it('[VAL7] refuses a malformed blob id, an oversize list and an empty caption without files', async () => {
    const own = await uploaded('mallory', conv);
    const wrong = CLOSE_CODES.update_wrong_author.code;
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, withFiles(people.mallory.userId, [fileEntry(own.toUpperCase(), 2_000)])),
      wrong,
    );
    await expectRefused(
      'mallory',
      (d) =>
        appendMessage(d, withFiles(people.mallory.userId, [{ ...fileEntry(own, 2_000), blob: `../${own}` }])),
      wrong,
    );
    const eleven = Array.from({ length: ATTACHMENT_LIMITS.MAX_PER_MESSAGE + 1 }, () => fileEntry(own, 2_000));
    await expectRefused('mallory', (d) => appendMessage(d, withFiles(people.mallory.userId, eleven)), wrong);
    await expectRefused('mallory', (d) => appendMessage(d, messageEntry(people.mallory.userId, '')), wrong);
  });

  it('[VAL7] refuses a voice note without a duration, or whose waveform is not 1–128 byte levels', async () => {
    const own = await uploaded('mallory', conv);
    const wrong = CLOSE_CODES.update_wrong_author.code;
    const voice = (fields: Record<string, unknown>) =>
      withFiles(people.mallory.userId, [
        { ...fileEntry(own, 2_000), kind: 'voice', type: 'audio/webm', name: 'voice.webm', ...fields },
      ]);
    const good = { durationMs: 2_000, waveform: 'AAECAwQFBgc' };
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, voice({ ...good, waveform: 'A'.repeat(200) })),
      wrong,
    );
    await expectRefused('mallory', (d) => appendMessage(d, voice({ ...good, waveform: [1, 2, 3] })), wrong);
    await expectRefused(
      'mallory',
      (d) => appendMessage(d, voice({ ...good, waveform: '<svg onload=x>' })),
      wrong,
    );
    await expectRefused('mallory', (d) => appendMessage(d, voice({ ...good, waveform: undefined })), wrong);
    await expectRefused('mallory', (d) => appendMessage(d, voice({ ...good, durationMs: -5 })), wrong);
  });

  it("[VAL9] refuses an edit that swaps a sent message's attachments", async () => {
    const mine = await uploaded('mallory', conv);
    const other = await uploaded('mallory', conv);
    const mallory = await connect('mallory');
    const doc = await replicaOf(mallory, docId());
    const entry = withFiles(people.mallory.userId, [fileEntry(mine, 2_000)], 'the plan');
    mallory.send({
      type: 'update',
      docId: docId(),
      ref: 1,
      update: updateOf(doc, (d) => appendMessage(d, entry)),
    });
    await mallory.next('ack', (f) => f.ref === 1);
    mallory.close();
    await expectRefused(
      'mallory',
      (d) =>
        segmentOf(d).edits.set(entry.id, {
          text: 'the plan',
          at: Date.now(),
          attachments: [fileEntry(other, 2_000)],
        } as never),
      CLOSE_CODES.update_wrong_author.code,
    );
  });
});

describe('hostile segments', () => {
  const segment = (index: number) => segmentDocId(longConv, index);
  const newest = async () => (await store.latestSegments([longConv])).get(longConv);

  it('[SEG1] refuses a write that skips ahead (segment 1,000,000, or n + 1 before n is full): nothing stored, nobody told', async () => {
    const alice = await connect('alice');
    const first = await replicaOf(alice, segment(0));
    const opening = messageEntry(people.alice.userId, 'segment 0 starts');
    alice.send({
      type: 'update',
      docId: segment(0),
      ref: 1,
      update: updateOf(first, (d) => appendMessage(d, opening)),
    });
    await alice.next('ack', (f) => f.ref === 1);
    expect(await newest()).toBe(0);

    const mallory = await connect('mallory');
    for (const [ref, index] of [
      [1, 1_000_000],
      [2, 1],
    ] as const) {
      const doc = await replicaOf(mallory, segment(index));
      const update = updateOf(doc, (d) =>
        appendMessage(d, messageEntry(people.mallory.userId, 'I moved the conversation')),
      );
      mallory.send({ type: 'update', docId: segment(index), ref, update });
      expect(await mallory.next('rejected', (f) => f.ref === ref)).toMatchObject({
        docId: segment(index),
        code: CLOSE_CODES.update_missing_dependency.code,
      });
      expect(await head(segment(index))).toBe(0);
    }
    expect(await newest()).toBe(0);
    // The socket stays open (the refusal is a missing dependency) and every device still opens segment 0.
    const again = await replicaOf(mallory, segment(0));
    expect(segmentOf(again).messages.length).toBe(1);
    const fresh = await connect('alice');
    fresh.send({
      type: 'subscribe',
      docs: [{ docId: segment(0), seq: 0, stateVector: new Uint8Array([0]) }],
    });
    expect((await fresh.next('sync')).latestSegment).toBe(0);
    expect(alice.frames.filter((f) => f.type === 'segment' && f.index > 0)).toEqual([]);
    for (const peer of [alice, mallory, fresh]) peer.close();
  });

  it('[SEG1] opens segment n + 1 once segment n is full, and tells every device', async () => {
    const alice = await connect('alice');
    const doc = await replicaOf(alice, segment(0));
    const missing = SEGMENT_MESSAGES - segmentOf(doc).messages.length;
    const fill = updateOf(doc, (d) =>
      segmentOf(d).messages.insert(
        segmentOf(d).messages.length,
        Array.from({ length: missing }, (_, i) => messageEntry(people.alice.userId, `filler ${i}`)),
      ),
    );
    alice.send({ type: 'update', docId: segment(0), ref: 2, update: fill });
    await alice.next('ack', (f) => f.ref === 2);
    const mallory = await connect('mallory');
    const next = await replicaOf(mallory, segment(1));
    const update = updateOf(next, (d) => appendMessage(d, messageEntry(people.mallory.userId, 'page two')));
    mallory.send({ type: 'update', docId: segment(1), ref: 3, update });
    expect((await mallory.next('ack', (f) => f.ref === 3)).seq).toBe(1);
    expect(await alice.next('segment')).toMatchObject({ conversationId: longConv, index: 1 });
    expect(await newest()).toBe(1);
    alice.close();
    mallory.close();
  });
});

describe('hostile awareness', () => {
  const awarenessFrames = (peer: RawPeer) => peer.frames.filter((f) => f.type === 'awareness');

  /** A member watching the conversation, and Mallory subscribed to it. */
  async function watched(): Promise<{ watcher: RawPeer; mallory: RawPeer }> {
    const watcher = await connect('alice');
    await replicaOf(watcher, docId());
    const mallory = await connect('mallory');
    await replicaOf(mallory, docId());
    return { watcher, mallory };
  }

  it('[AW2] relays a state of the schema, stamped with the sender by the server', async () => {
    const { watcher, mallory } = await watched();
    mallory.send({ type: 'awareness', conversationId: conv, payload: encodeAwareness({ typing: true }) });
    const relayed = await watcher.next('awareness');
    expect(relayed).toMatchObject({ conversationId: conv, userId: people.mallory.userId });
    expect(checkAwarenessPayload(relayed.payload)).toEqual({ ok: true, value: { typing: true } });
    watcher.close();
    mallory.close();
  });

  it("[AW2] refuses another member's identity, fields outside the schema and payloads that are not its JSON (awareness_refused)", async () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    for (const payload of [
      bytes(`{"typing":true,"userId":"${people.alice.userId}"}`),
      bytes('{"typing":true,"name":"Alice"}'),
      bytes('{"typing":"very"}'),
      new Uint8Array([1, 2, 3]),
    ]) {
      const { watcher, mallory } = await watched();
      mallory.send({ type: 'awareness', conversationId: conv, payload });
      expect(await mallory.waitClosed()).toBe(CLOSE_CODES.awareness_refused.code);
      // Whatever was relayed would have reached the watcher before its next answer: nothing did.
      await replicaOf(watcher, userDocId(people.alice.userId));
      expect(awarenessFrames(watcher)).toEqual([]);
      watcher.close();
    }
  });
});

describe('hostile history: a message cannot be put before what its device had seen', () => {
  const texts = (doc: Y.Doc) =>
    segmentOf(doc)
      .messages.toArray()
      .map((m) => m.text);

  /** Subscribes declaring the state of `doc` (as the app does), and waits for the answer. */
  async function subscribeHaving(peer: RawPeer, doc: Y.Doc): Promise<void> {
    peer.send({
      type: 'subscribe',
      docs: [{ docId: docId(), seq: await head(docId()), stateVector: Y.encodeStateVector(doc) }],
    });
    await peer.next('sync', (f) => f.docId === docId());
  }

  /** A copy of the segment as it is now, with the client id the forger will use. */
  async function copyNow(clientId: number): Promise<Y.Doc> {
    const peer = await connect('mallory');
    const doc = await replicaOf(peer, docId());
    peer.close();
    doc.clientID = clientId;
    return doc;
  }

  it('[POS1] refuses a message inserted before the others (messages.insert(0, …))', async () => {
    await aliceSays('the first words');
    await expectRefused(
      'mallory',
      (d) => segmentOf(d).messages.insert(0, [messageEntry(people.mallory.userId, 'I was here first')]),
      CLOSE_CODES.update_out_of_order.code,
    );
  });

  it('[POS2] refuses an append after an old message by a low client id, when the basis says the newer ones were seen', async () => {
    await aliceSays('old news');
    const early = await copyNow(1);
    await aliceSays('newer news');
    const full = await copyNow(3);
    const before = await head(docId());
    const mallory = await connect('mallory');
    await replicaOf(mallory, docId());
    const update = updateOf(early, (d) =>
      appendMessage(d, messageEntry(people.mallory.userId, 'before the news')),
    );
    mallory.send({ type: 'update', docId: docId(), ref: 1, update, basis: Y.encodeStateVector(full) });
    expect(await mallory.next('rejected')).toMatchObject({
      ref: 1,
      code: CLOSE_CODES.update_out_of_order.code,
    });
    expect(await mallory.waitClosed()).toBe(CLOSE_CODES.update_out_of_order.code);
    expect(await head(docId())).toBe(before);
  });

  it('[POS3] refuses it when the device understates its basis but subscribed declaring the newer messages', async () => {
    await aliceSays('old news again');
    const early = await copyNow(2);
    const basis = Y.encodeStateVector(early);
    await aliceSays('newer news again');
    const full = await copyNow(4);
    const before = await head(docId());
    const mallory = await connect('mallory');
    await subscribeHaving(mallory, full);
    const update = updateOf(early, (d) =>
      appendMessage(d, messageEntry(people.mallory.userId, 'before the news')),
    );
    mallory.send({ type: 'update', docId: docId(), ref: 1, update, basis });
    expect(await mallory.waitClosed()).toBe(CLOSE_CODES.update_out_of_order.code);
    expect(await head(docId())).toBe(before);
  });

  it('[POS2] a device that wrote offline while others talked is accepted, its message after all it had seen, and every copy converges', async () => {
    await aliceSays('before the trip');
    const storage = new MemoryPersistence();
    const phone = nodeDevice(server.url, people.bob.cookie, storage);
    phone.start();
    await phone.open(docId());
    await eventually(() => phone.docState(docId()) === 'synced', 'the phone has the conversation');
    const hadSeen = texts(phone.doc(docId())!);
    await phone.stop();
    for (const text of ['while away 1', 'while away 2', 'while away 3']) await aliceSays(text);
    // Back from the trip: the stored copy opens offline, a message is written, then the network returns.
    const back = nodeDevice(server.url, people.bob.cookie, storage);
    const doc = await back.open(docId());
    appendMessage(doc, messageEntry(people.bob.userId, 'written on the train'));
    expect(back.pending()).toBe(1);
    back.start();
    await eventually(() => back.pending() === 0, 'the offline message is acked');
    const order = texts(await copyNow(5));
    expect(order.indexOf('written on the train')).toBeGreaterThan(order.indexOf(hadSeen.at(-1)!));
    for (const text of ['while away 1', 'while away 2', 'while away 3']) expect(order).toContain(text);
    await eventually(
      () => texts(back.doc(docId())!).join() === order.join(),
      'the phone shows the same order',
    );
    await back.stop();
  });
});
