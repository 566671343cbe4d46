import { appendMessage, PROTOCOL_VERSION, segmentDocId } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConversationSegments } from './conversation-segments.ts';
import { MemoryPersistence } from './core/persistence.ts';
import { FakeSocket } from './socket/fake-socket.ts';
import { SyncClient } from './sync-client.ts';

const CONV = 'c_test';

/** A fresh device (nothing stored) over a real sync client; the test plays the server on its socket. */
async function freshDevice() {
  const sockets: FakeSocket[] = [];
  const client = new SyncClient({
    url: 'ws://test/sync',
    persistence: new MemoryPersistence(),
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
  });
  client.start();
  const socket = sockets[0]!;
  socket.open();
  socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
  const segments = new ConversationSegments(client, CONV);
  // The server names segment 1 as the newest; the device opens it and gets its (empty) copy.
  socket.deliver({
    type: 'sync',
    docId: segmentDocId(CONV, 1),
    seq: 0,
    update: Y.encodeStateAsUpdate(new Y.Doc()),
    latestSegment: 1,
  });
  await segments.openLatest();
  return { client, socket, segments };
}

/** The server's copy of segment 0, holding one message. */
function olderCopy(): Uint8Array {
  const doc = new Y.Doc();
  appendMessage(doc, { id: 'm_old', author: 'u_her', text: 'from long ago', sentAt: 1 });
  return Y.encodeStateAsUpdate(doc);
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  // Every task queued so far runs first (opening a document takes a few).
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
};

describe('ConversationSegments.loadOlder', () => {
  it('settles once the older segment’s server copy has arrived, not when it is opened', async () => {
    const { client, socket, segments } = await freshDevice();
    const loading = segments.loadOlder();
    // Opened (asked of the server), but nothing of it is here yet: still loading.
    await expect.poll(() => client.openSegments(CONV).includes(0)).toBe(true);
    expect(await settled(loading)).toBe(false);
    expect(segments.timeline().map((m) => m.id)).toEqual([]);

    socket.deliver({
      type: 'sync',
      docId: segmentDocId(CONV, 0),
      seq: 1,
      update: olderCopy(),
      latestSegment: 1,
    });
    expect(await loading).toBe(true);
    // Settled with the message there for the caller to find.
    expect(segments.timeline().map((m) => m.id)).toEqual(['m_old']);
  });

  it('offline, settles at once with what the device has; at the beginning, says there is nothing older', async () => {
    const { socket, segments } = await freshDevice();
    socket.drop();
    expect(await settled(segments.loadOlder())).toBe(true);
    expect(await segments.loadOlder()).toBe(false);
  });

  it('settles when the conversation is closed while it waits', async () => {
    const { segments } = await freshDevice();
    const loading = segments.loadOlder();
    expect(await settled(loading)).toBe(false);
    segments.close();
    expect(await settled(loading)).toBe(true);
  });
});
