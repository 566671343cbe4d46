import {
  appendMessage,
  decodeClientFrame,
  segmentDocId,
  SEGMENT_MESSAGES,
  segmentOf,
  type ClientFrame,
} from '@messenjo/shared';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  ConversationSegments,
  MemoryPersistence,
  SyncClient,
  type WebSocketLike,
} from '../../../app/src/sync/index.ts';
import {
  eventually,
  messageEntry,
  RawPeer,
  replicaOf,
  startInProcessServer,
  syncUrl,
  tempDataDir,
  updateOf,
  type InProcessServer,
} from '../../harness/sync.ts';

/** SEG2 through the real socket: a device in a conversation's newest segment follows it into the next. */
let server: InProcessServer;
const data = tempDataDir();
beforeAll(async () => {
  server = await startInProcessServer(data.dir);
});
afterAll(async () => {
  await server.close();
  data.remove();
});

/** Fills a segment to SEGMENT_MESSAGES messages in one update, so the next write may open the next one. */
async function fill(peer: RawPeer, docId: string, author: string, ref: number): Promise<void> {
  const doc = await replicaOf(peer, docId);
  const missing = SEGMENT_MESSAGES - segmentOf(doc).messages.length;
  const update = updateOf(doc, (d) =>
    segmentOf(d).messages.insert(
      segmentOf(d).messages.length,
      Array.from({ length: missing }, (_, i) => messageEntry(author, `filler ${i}`)),
    ),
  );
  peer.send({ type: 'update', docId, ref, update });
  await peer.next('ack', (f) => f.ref === ref);
}

describe('following a conversation into its next segment', () => {
  it('[SEG2] a socket in the newest segment is subscribed to the next one by the server: one sync with the opening update, then its head and updates; a socket in an older segment only hears of it', async () => {
    const alice = await server.seed.user('alice', server.publicUrl);
    const bob = await server.seed.user('bob', server.publicUrl);
    const conv = await server.seed.group('long', [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'member' },
    ]);
    const segment = (index: number) => segmentDocId(conv, index);
    const writer = await RawPeer.connect(server.url, alice.cookie);
    await fill(writer, segment(0), alice.userId, 1);

    const watcher = await RawPeer.connect(server.url, bob.cookie);
    await replicaOf(watcher, segment(0));
    const opening = messageEntry(alice.userId, 'page two');
    const next = await replicaOf(writer, segment(1));
    writer.send({
      type: 'update',
      docId: segment(1),
      ref: 2,
      update: updateOf(next, (d) => appendMessage(d, opening)),
    });

    // The watcher never subscribed to segment 1, yet it is answered as if it had.
    const sync = await watcher.next('sync', (f) => f.docId === segment(1));
    expect(sync).toMatchObject({ seq: 0, latestSegment: 1 });
    const followed = new Y.Doc();
    Y.applyUpdate(followed, sync.update);
    expect(segmentOf(followed).messages.toArray()).toEqual([opening]);
    expect(await watcher.next('head', (f) => f.docId === segment(1))).toMatchObject({ seq: 1 });
    expect(await watcher.next('segment')).toMatchObject({ conversationId: conv, index: 1 });
    // Nothing of the opening update reached it twice.
    expect(watcher.frames.filter((f) => f.type === 'update' && f.docId === segment(1))).toEqual([]);

    // Later updates of segment 1 reach it, and it may write there: it is subscribed.
    const later = messageEntry(alice.userId, 'and more');
    writer.send({
      type: 'update',
      docId: segment(1),
      ref: 3,
      update: updateOf(next, (d) => appendMessage(d, later)),
    });
    const relayed = await watcher.next('update', (f) => f.docId === segment(1));
    Y.applyUpdate(followed, relayed.update);
    const reply = updateOf(followed, (d) => appendMessage(d, messageEntry(bob.userId, 'got it')));
    watcher.send({ type: 'update', docId: segment(1), ref: 1, update: reply });
    expect((await watcher.next('ack', (f) => f.ref === 1)).seq).toBe(3);

    // Segment 2 opens: the watcher (in segment 1, the newest) follows; a socket holding only
    // segment 0 hears of it by a `segment` frame and is not subscribed.
    const behind = await RawPeer.connect(server.url, bob.cookie);
    await replicaOf(behind, segment(0));
    await fill(writer, segment(1), alice.userId, 4);
    const third = await replicaOf(writer, segment(2));
    writer.send({
      type: 'update',
      docId: segment(2),
      ref: 5,
      update: updateOf(third, (d) => appendMessage(d, messageEntry(alice.userId, 'page three'))),
    });
    expect(await watcher.next('sync', (f) => f.docId === segment(2))).toMatchObject({ latestSegment: 2 });
    expect(await behind.next('segment')).toMatchObject({ conversationId: conv, index: 2 });
    expect(behind.frames.filter((f) => 'docId' in f && f.docId === segment(2))).toEqual([]);
    for (const peer of [writer, watcher, behind]) peer.close();
  });

  it("[SEG2] the app's client keeps the segment the server subscribed it to, with no subscribe of its own, and stores it", async () => {
    const alice = await server.seed.user('alice2', server.publicUrl);
    const bob = await server.seed.user('bob2', server.publicUrl);
    const conv = await server.seed.group('long2', [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'member' },
    ]);
    const segment = (index: number) => segmentDocId(conv, index);
    const writer = await RawPeer.connect(server.url, alice.cookie);
    await fill(writer, segment(0), alice.userId, 1);

    const sent: ClientFrame[] = [];
    const persistence = new MemoryPersistence();
    const reader = new SyncClient({
      url: syncUrl(server.url),
      persistence,
      createSocket: (url) => {
        const ws = new WebSocket(url, { headers: { Cookie: bob.cookie, Origin: server.url } });
        const send = ws.send.bind(ws);
        ws.send = ((data: Uint8Array) => {
          const decoded = decodeClientFrame(data);
          if (decoded.kind === 'frame') sent.push(decoded.frame);
          send(data);
        }) as typeof ws.send;
        return ws as unknown as WebSocketLike;
      },
      onError: () => {},
    });
    reader.start();
    const reading = new ConversationSegments(reader, conv);
    await reading.openLatest();
    await eventually(
      () => reader.docState(segment(0)) === 'synced' && reading.timeline().length === SEGMENT_MESSAGES,
      'the reader holds segment 0',
    );

    const next = await replicaOf(writer, segment(1));
    writer.send({
      type: 'update',
      docId: segment(1),
      ref: 2,
      update: updateOf(next, (d) => appendMessage(d, messageEntry(alice.userId, 'page two'))),
    });
    await eventually(
      () => reading.timeline().some((m) => m.text === 'page two'),
      'the reader shows the new segment',
    );
    expect(reader.docState(segment(1))).toBe('synced');
    await eventually(() => reader.seqOf(segment(1)) === 1, 'the committed head reaches the reader');
    const subscribedTo = sent.flatMap((f) => (f.type === 'subscribe' ? f.docs.map((d) => d.docId) : []));
    expect(subscribedTo).not.toContain(segment(1));
    // The followed segment is stored like any other: a restart opens it from the device.
    let stored = await persistence.load(segment(1));
    await eventually(() => {
      void persistence.load(segment(1)).then((s) => (stored = s));
      return stored.seq === 1;
    }, 'the head is stored on the device');
    const restored = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(restored, update);
    expect(
      segmentOf(restored)
        .messages.toArray()
        .map((m) => m.text),
    ).toEqual(['page two']);

    // The reader writes into it: accepted (the server subscribed its socket).
    await reading.send(bob.userId, 'reply on page two');
    await eventually(() => reader.pending() === 0, "the reader's message is acked");
    expect((await server.services.docStore.heads([segment(1)])).get(segment(1))).toBe(2);
    writer.close();
    await reader.stop();
  });
});
