import { appendMessage, PROTOCOL_VERSION, SEGMENT_MESSAGES, segmentDocId } from '@messenjo/shared';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Store } from '../lib/store.ts';
import { CATCH_UP_BEFORE_WRITE_MS } from './constants.ts';
import { ConversationSegments } from './conversation-segments.ts';
import { MemoryPersistence } from './core/persistence.ts';
import { FakeSocket } from './socket/fake-socket.ts';
import { SyncClient } from './sync-client.ts';

const CONV = 'c_test';

/** A fresh device (nothing stored) over a real sync client, connected; the test plays the server on its socket. */
function connectedDevice() {
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
  const waiting = new Store(0);
  const segments = new ConversationSegments(client, CONV, undefined, waiting);
  return { client, socket, segments, waiting };
}

/** A fresh device whose conversation is open at segment 1, the newest the server named. */
async function freshDevice() {
  const { client, socket, segments } = connectedDevice();
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

/** The server's copy of a full segment 0: SEGMENT_MESSAGES messages of someone else's. */
function fullCopy(): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (let i = 0; i < SEGMENT_MESSAGES; i++)
      appendMessage(doc, { id: `m_${i}`, author: 'u_her', text: `said ${i}`, sentAt: i + 1 });
  });
  return Y.encodeStateAsUpdate(doc);
}

describe('ConversationSegments.send', () => {
  it('waits for the newest segment’s server copy: a full one puts the message in the next segment, after all of it', async () => {
    const { client, socket, segments, waiting } = connectedDevice();
    // Nothing stored: segment 0 opens, and the server has not answered yet.
    await segments.openLatest();
    const first = segments.send('u_me', 'hello');
    const second = segments.send('u_me', 'again');
    expect(await settled(first)).toBe(false);
    expect(segments.timeline()).toEqual([]);
    // Counted as unsent meanwhile (the warnings before closing the tab and signing out read it).
    expect(waiting.get()).toBe(2);

    socket.deliver({
      type: 'sync',
      docId: segmentDocId(CONV, 0),
      seq: 10,
      update: fullCopy(),
      latestSegment: 0,
    });
    const id = await first;
    // The first opened segment 1; the second waits for its server copy too (empty: nobody wrote there yet).
    expect(await settled(second)).toBe(false);
    socket.deliver({
      type: 'sync',
      docId: segmentDocId(CONV, 1),
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 0,
    });
    const ids = [id, await second];
    expect(waiting.get()).toBe(0);
    // In the segment after the full one, in the order sent: the newest messages of the conversation.
    expect(client.openSegments(CONV)).toContain(1);
    expect(
      segments
        .timeline()
        .slice(-3)
        .map((m) => m.id),
    ).toEqual([`m_${SEGMENT_MESSAGES - 1}`, ...ids]);
    expect(client.doc(segmentDocId(CONV, 0))!.getArray('messages').length).toBe(SEGMENT_MESSAGES);
  });

  it('follows the server to a newer segment another device started, and waits for that one too', async () => {
    const { client, socket, segments } = connectedDevice();
    // Another conversation still waits for the server, so the connection stays "syncing" throughout.
    await client.open(segmentDocId('c_other', 0));
    await segments.openLatest();
    const sending = segments.send('u_me', 'after theirs');
    // Segment 0 is full and the server names segment 1: written there, but not before its copy is here.
    socket.deliver({
      type: 'sync',
      docId: segmentDocId(CONV, 0),
      seq: 10,
      update: fullCopy(),
      latestSegment: 1,
    });
    expect(await settled(sending)).toBe(false);
    const theirs = new Y.Doc();
    appendMessage(theirs, { id: 'm_theirs', author: 'u_her', text: 'started segment 1', sentAt: 2_000 });
    socket.deliver({
      type: 'sync',
      docId: segmentDocId(CONV, 1),
      seq: 1,
      update: Y.encodeStateAsUpdate(theirs),
      latestSegment: 1,
    });
    // At once, not after CATCH_UP_BEFORE_WRITE_MS (segment 0, opened as a guess, was closed meanwhile).
    expect(await settled(sending)).toBe(true);
    const id = await sending;
    expect(
      segments
        .timeline()
        .slice(-2)
        .map((m) => m.id),
    ).toEqual(['m_theirs', id]);
  });

  it('offline, writes at once against what the device has', async () => {
    const { socket, segments } = connectedDevice();
    await segments.openLatest();
    socket.drop();
    const sending = segments.send('u_me', 'on the train');
    expect(await settled(sending)).toBe(true);
    expect(segments.timeline().map((m) => m.text)).toEqual(['on the train']);
  });

  it('writes after a while even when the server never answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { segments } = connectedDevice();
      await segments.openLatest();
      const sending = segments.send('u_me', 'anyone there?');
      await vi.advanceTimersByTimeAsync(CATCH_UP_BEFORE_WRITE_MS - 1);
      expect(segments.timeline()).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      await sending;
      expect(segments.timeline().map((m) => m.text)).toEqual(['anyone there?']);
    } finally {
      vi.useRealTimers();
    }
  });
});
