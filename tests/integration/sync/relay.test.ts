import { ConversationSegments } from '../../../app/src/sync/index.ts';
import { appendMessage, newMessageId, readMessages, segmentDocId, segmentOf } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import {
  eventually,
  nodeDevice,
  startInProcessServer,
  tempDataDir,
  type InProcessServer,
} from '../../harness/sync.ts';

let server: InProcessServer;
const data = tempDataDir();
beforeAll(async () => {
  server = await startInProcessServer(data.dir);
});
afterAll(async () => {
  await server.close();
  data.remove();
});

describe('relay between devices', () => {
  it("[RL1] relays a message to the other member and to the sender's other device; it is acked after commit [UP3]", async () => {
    const alice = await server.seed.user('alice', server.publicUrl);
    const bob = await server.seed.user('bob', server.publicUrl);
    const conv = await server.seed.group('g', [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'member' },
    ]);
    const aliceLaptop = nodeDevice(server.url, alice.cookie);
    const alicePhone = nodeDevice(
      server.url,
      (await server.seed.device(alice.userId, server.publicUrl)).cookie,
    );
    const bobPhone = nodeDevice(server.url, bob.cookie);
    const devices = [aliceLaptop, alicePhone, bobPhone];
    for (const d of devices) d.start();
    const convs = devices.map((d) => new ConversationSegments(d, conv));
    await Promise.all(convs.map((c) => c.openLatest()));
    await eventually(() => devices.every((d) => d.status.get() === 'online'), 'every device is online');

    await convs[0]!.send(alice.userId, 'hello from the laptop');
    expect(aliceLaptop.pending()).toBe(1);
    await eventually(() => aliceLaptop.pending() === 0, 'the message is acked');
    await eventually(
      () => convs.every((c) => c.timeline().some((m) => m.text === 'hello from the laptop')),
      'every device has the message',
    );
    const docId = segmentDocId(conv, 0);
    const stored = (await server.services.docStore.heads([docId])).get(docId);
    expect(stored).toBe(1);
    expect(segmentOf(bobPhone.doc(docId)!).messages.length).toBe(1);
    await Promise.all(devices.map((d) => d.stop()));
  });

  it('[CL6] a new device learns the newest segment from the server, keeps only it open, and loads older ones on request [DM2]', async () => {
    const alice = await server.seed.user('alice2', server.publicUrl);
    const conv = await server.seed.group('long', [{ userId: alice.userId, role: 'owner' }]);
    const writer = nodeDevice(server.url, alice.cookie);
    writer.start();
    const writing = new ConversationSegments(writer, conv);
    await writing.openLatest();
    for (let i = 0; i < 1001; i++) await writing.send(alice.userId, `message ${i}`);
    await eventually(() => writer.pending() === 0, 'every message is acked', 30_000);
    expect(writer.openSegments(conv).sort()).toEqual([0, 1]);

    const reader = nodeDevice(server.url, (await server.seed.device(alice.userId, server.publicUrl)).cookie);
    reader.start();
    const reading = new ConversationSegments(reader, conv);
    await reading.openLatest();
    await eventually(
      () => reading.timeline().some((m) => m.text === 'message 1000'),
      'the newest segment arrives',
    );
    // Segment 0 was the first guess (nothing stored yet); it is closed once the server names segment 1.
    expect(reader.openSegments(conv)).toEqual([1]);
    expect(reading.timeline().map((m) => m.text)).toEqual(['message 1000']);
    expect(await reading.loadOlder()).toBe(true);
    await eventually(() => reading.timeline().length === 1001, 'the older segment arrives');
    expect(reading.timeline()[0]?.text).toBe('message 0');
    expect(await reading.loadOlder()).toBe(false);
    await writer.stop();
    await reader.stop();
  }, 60_000);

  it('[UP2] a refused message costs only itself: the messages written after it (its Yjs neighbours) arrive as new messages', async () => {
    const alice = await server.seed.user('alice3', server.publicUrl);
    const bob = await server.seed.user('bob3', server.publicUrl);
    const conv = await server.seed.group('refusals', [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'member' },
    ]);
    const laptop = nodeDevice(server.url, alice.cookie);
    const phone = nodeDevice(server.url, bob.cookie);
    for (const d of [laptop, phone]) d.start();
    const docId = segmentDocId(conv, 0);
    const [doc] = await Promise.all([laptop.open(docId), phone.open(docId)]);
    await eventually(() => laptop.docState(docId) === 'synced', 'the laptop is synced');
    const say = (text: string) =>
      appendMessage(doc, { id: newMessageId(), author: alice.userId, text, sentAt: Date.now() });
    // Written in a row, before the server answers: the second breaks DM4 (over 4,000 characters).
    say('before');
    say('x'.repeat(4001));
    say('after one');
    say('after two');
    expect(laptop.pending(docId)).toBe(4);
    const texts = (d: Y.Doc) => readMessages(d).map((m) => m.text);
    await eventually(
      () => laptop.pending() === 0 && texts(laptop.doc(docId)!).length === 3,
      'the refused one is gone and the later ones are stored',
      10_000,
    );
    expect(texts(laptop.doc(docId)!)).toEqual(['before', 'after one', 'after two']);
    await eventually(() => texts(phone.doc(docId)!).length === 3, 'bob has them');
    expect(texts(phone.doc(docId)!)).toEqual(['before', 'after one', 'after two']);
    await Promise.all([laptop, phone].map((d) => d.stop()));
  });
});
