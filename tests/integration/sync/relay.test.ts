import { ConversationSegments } from '../../../app/src/sync/index.ts';
import { segmentDocId, segmentOf } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  it("[RL1] relays a committed message to the other member and to the sender's other device, acked after commit [UP3]", async () => {
    const alice = server.seed.user('alice', server.publicUrl);
    const bob = server.seed.user('bob', server.publicUrl);
    const conv = server.seed.group('g', [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'member' },
    ]);
    const aliceLaptop = nodeDevice(server.url, alice.cookie);
    const alicePhone = nodeDevice(server.url, server.seed.device(alice.userId, server.publicUrl).cookie);
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
    const stored = server.services.docStore.heads([docId]).get(docId);
    expect(stored).toBe(1);
    expect(segmentOf(bobPhone.doc(docId)!).messages.length).toBe(1);
    await Promise.all(devices.map((d) => d.stop()));
  });
});
