import type { Socket } from 'node:net';
import {
  appendMessage,
  newMessageId,
  CLOSE_CODES,
  segmentDocId,
  segmentOf,
  shouldRetryClose,
  type ClientFrame,
  type MessageEntry,
} from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  ConversationSegments,
  MemoryPersistence,
  SyncClient,
  type WebSocketLike,
} from '../../../app/src/sync/index.ts';
import {
  eventually,
  RawPeer,
  startInProcessServer,
  syncUrl,
  tempDataDir,
  type InProcessServer,
} from '../../harness/sync.ts';

/**
 * Bounded memory and fair limits (LIM1–LIM3) through the real socket, on a server whose limits
 * are lowered so a test reaches them quickly: 64 KiB of unread relays, 2 sockets per session,
 * 3 per user, and a frame budget of FRAME_BURST per user refilling at one frame a second. The
 * burst holds every frame the LIM1 tests send (at most ~130), so they never depend on the
 * refill; the refill is so slow that LIM3's two spendings overdraw the budget however long a
 * loaded machine takes between them (it would take a minute to refill what LIM3 overdraws).
 */
const MAX_UNSENT = 64 * 1024;
const FRAME_BURST = 200;
let server: InProcessServer;
const data = tempDataDir('messenjo-limits-');
beforeAll(async () => {
  server = await startInProcessServer(data.dir, {
    maxUnsentBytes: MAX_UNSENT,
    socketLimits: {
      maxSocketsPerSession: 2,
      maxSocketsPerUser: 3,
      framesPerSecond: 1,
      frameBurst: FRAME_BURST,
    },
  });
});
afterAll(async () => {
  await server.close();
  data.remove();
});

/** A device on the app's real sync client whose TCP socket the test can stop reading. */
function pausableDevice(cookie: string): {
  client: SyncClient;
  closeCodes: number[];
  pause: () => void;
  resume: () => void;
} {
  const closeCodes: number[] = [];
  let tcp: Socket | undefined;
  let paused = false;
  const client = new SyncClient({
    url: syncUrl(server.url),
    persistence: new MemoryPersistence(),
    reconnectDelay: () => 50,
    createSocket: (url) => {
      const ws = new WebSocket(url, { headers: { Cookie: cookie, Origin: server.url } });
      ws.on('upgrade', (response) => {
        tcp = response.socket;
        // A reconnect while the test still holds the device paused stays paused.
        if (paused) ws.once('open', () => tcp?.pause());
      });
      ws.on('close', (code) => closeCodes.push(code));
      return ws as unknown as WebSocketLike;
    },
    onError: () => {},
  });
  return {
    client,
    closeCodes,
    pause: () => {
      paused = true;
      tcp?.pause();
    },
    resume: () => {
      paused = false;
      tcp?.resume();
    },
  };
}

/** One update holding `count` messages of 4,000 characters (~160 KB with count 40). */
function bigUpdate(doc: Y.Doc, author: string, count: number, tag: string): Uint8Array {
  let update: Uint8Array | undefined;
  const capture = (u: Uint8Array): void => {
    update = u;
  };
  doc.on('update', capture);
  doc.transact(() => {
    for (let i = 0; i < count; i++) {
      const entry: MessageEntry = {
        id: newMessageId(),
        author,
        text: `${tag} ${i} `.padEnd(4000, 'abcdefghij'),
        sentAt: Date.now(),
      };
      appendMessage(doc, entry);
    }
  });
  doc.off('update', capture);
  if (!update) throw new Error('no update');
  return update;
}

describe('bounded memory and fair limits', () => {
  it('[LIM1] a device that stops reading is closed send_backlog (retryable) and, reading again, reconnects and catches up on every message', async () => {
    expect(shouldRetryClose(CLOSE_CODES.send_backlog.code)).toBe(true);
    const alice = await server.seed.user('lim-alice', server.publicUrl);
    const bob = await server.seed.user('lim-bob', server.publicUrl);
    const conv = await server.seed.group('busy', [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'member' },
    ]);
    const docId = segmentDocId(conv, 0);
    const reader = pausableDevice(bob.cookie);
    reader.client.start();
    const reading = new ConversationSegments(reader.client, conv);
    await reading.openLatest();
    await eventually(() => reader.client.status.get() === 'online', 'the reader is online');

    const writer = await RawPeer.connect(server.url, alice.cookie);
    writer.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
    await writer.next('sync');
    const replica = new Y.Doc();
    reader.pause();
    const bobSockets = () => server.hub.connectionCount;
    const before = bobSockets();
    // Writes ~160 KB at a time until the server gives up on the reader (kernel buffers take
    // some megabytes first); each batch waits for its ack, which comes after its relay.
    let batches = 0;
    while (bobSockets() === before) {
      if (batches === 120) throw new Error('the paused reader was never closed');
      writer.send({
        type: 'update',
        docId,
        ref: ++batches,
        update: bigUpdate(replica, alice.userId, 40, `b${batches}`),
      });
      await writer.next('ack', (f) => f.ref === batches);
    }
    expect(bobSockets()).toBe(before - 1);
    // Written while the reader is gone: it can only get these by catching up after it returns.
    for (let i = 0; i < 2; i++) {
      const ref = ++batches;
      writer.send({ type: 'update', docId, ref, update: bigUpdate(replica, alice.userId, 40, `b${ref}`) });
      await writer.next('ack', (f) => f.ref === ref);
    }

    reader.resume();
    await eventually(
      () => reader.closeCodes.includes(CLOSE_CODES.send_backlog.code),
      'the reader sees the send_backlog close',
    );
    await eventually(
      () => reading.timeline().length === batches * 40,
      `the reader has all ${batches * 40} messages after reconnecting`,
      30_000,
    );
    expect(segmentOf(reader.client.doc(docId)!).messages.length).toBe(batches * 40);
    await eventually(() => reader.client.status.get() === 'online', 'the reader is online again');
    writer.close();
    await reader.client.stop();
  });

  it("[LIM1] the answer to a device's own subscribe, however large, is not a backlog", async () => {
    const alice = await server.seed.user('lim-alice2', server.publicUrl);
    const bob = await server.seed.user('lim-bob2', server.publicUrl);
    const conv = await server.seed.group('history', [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'member' },
    ]);
    const docId = segmentDocId(conv, 0);
    const writer = await RawPeer.connect(server.url, alice.cookie);
    writer.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
    await writer.next('sync');
    const replica = new Y.Doc();
    let ref = 0;
    const write = async (): Promise<void> => {
      const mine = ++ref;
      writer.send({
        type: 'update',
        docId,
        ref: mine,
        update: bigUpdate(replica, alice.userId, 40, `h${mine}`),
      });
      await writer.next('ack', (f) => f.ref === mine);
    };
    for (let i = 0; i < 60; i++) await write(); // ~10 MB of history: more than the kernel buffers hold

    const newDevice = await RawPeer.connect(server.url, bob.cookie);
    newDevice.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
    // The device is slow to read its answer: what waits for it is its own request, not a backlog.
    // It stops reading at the answer's first bytes: the server has taken the subscribe by then,
    // so the next write is relayed to it, behind megabytes of answer still on their way.
    await new Promise<void>((resolve) =>
      newDevice.tcp.once('data', () => {
        newDevice.tcp.pause();
        resolve();
      }),
    );
    await write();
    newDevice.tcp.resume();
    const answer = await newDevice.next('sync');
    expect(answer.update.byteLength).toBeGreaterThan(100 * MAX_UNSENT);
    await newDevice.next('update');
    expect(newDevice.closeCode).toBeUndefined();
    writer.close();
    newDevice.close();
  });

  it('[LIM2] a session past its socket cap and a user past theirs are closed with their own codes; a closed socket frees its place', async () => {
    const carol = await server.seed.user('lim-carol', server.publicUrl);
    const laptop = await server.seed.device(carol.userId, server.publicUrl);
    const first = await RawPeer.connect(server.url, carol.cookie);
    const second = await RawPeer.connect(server.url, carol.cookie);
    const third = await RawPeer.connect(server.url, carol.cookie, { hello: false });
    expect(await third.waitClosed()).toBe(CLOSE_CODES.session_socket_limit.code);
    expect(CLOSE_CODES.session_socket_limit.retry).toBe(true);

    const other = await RawPeer.connect(server.url, laptop.cookie);
    const fourth = await RawPeer.connect(server.url, laptop.cookie, { hello: false });
    expect(await fourth.waitClosed()).toBe(CLOSE_CODES.user_socket_limit.code);
    expect(CLOSE_CODES.user_socket_limit.retry).toBe(true);

    // The sockets already open keep working.
    other.send({
      type: 'subscribe',
      docs: [{ docId: 'nonsense', seq: 0, stateVector: new Uint8Array([0]) }],
    });
    expect(await other.next('denied')).toMatchObject({ reason: 'bad_doc_id' });

    first.close();
    await first.waitClosed();
    // The server frees the place when it sees the close; until then a newcomer is still refused.
    let again: RawPeer | undefined;
    for (let attempt = 0; !again; attempt++) {
      again = await RawPeer.connect(server.url, carol.cookie).catch((err: unknown) => {
        if (attempt === 50) throw err;
        return undefined;
      });
    }
    expect(again.closeCode).toBeUndefined();
    for (const peer of [second, other, again]) peer.close();
  });

  it('[LIM3] the frame budget is per user: two sockets of one user share it, and the one that spends it is closed rate_limited', async () => {
    const dave = await server.seed.user('lim-dave', server.publicUrl);
    const erin = await server.seed.user('lim-erin', server.publicUrl);
    const phone = await RawPeer.connect(server.url, dave.cookie);
    const tablet = await RawPeer.connect(
      server.url,
      (await server.seed.device(dave.userId, server.publicUrl)).cookie,
    );
    const bystander = await RawPeer.connect(server.url, erin.cookie);
    const unsubscribe: ClientFrame = { type: 'unsubscribe', docIds: [] };
    const probe: ClientFrame = {
      type: 'subscribe',
      docs: [{ docId: 'nonsense', seq: 0, stateVector: new Uint8Array([0]) }],
    };
    /** 70 % of the burst, then one frame the server answers: all were counted once the answer is here. */
    const spend = async (peer: RawPeer): Promise<void> => {
      for (let i = 0; i < Math.ceil(FRAME_BURST * 0.7); i++) peer.send(unsubscribe);
      peer.send(probe);
      await peer.next('denied');
    };
    // One socket's spending fits the user's burst; the user's second socket goes over it (the
    // budget refills at one frame a second, far less than the 30 % it would need meanwhile).
    await spend(phone);
    await expect(spend(tablet)).rejects.toThrow(`closed (${CLOSE_CODES.rate_limited.code})`);
    expect(tablet.closeCode).toBe(CLOSE_CODES.rate_limited.code);
    expect(phone.closeCode).toBeUndefined();
    // Another user's budget is untouched.
    await spend(bystander);
    expect(bystander.closeCode).toBeUndefined();
    phone.close();
    bystander.close();
  });
});
