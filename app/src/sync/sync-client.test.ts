import 'fake-indexeddb/auto';
import { appendMessage, CLOSE_CODES, segmentOf, type MessageEntry, PROTOCOL_VERSION } from '@messenjo/shared';
import { describe, expect, it, vi } from 'vitest';
import { FakeSocket } from './socket/fake-socket.ts';
import * as Y from 'yjs';
import { reconnectDelayMs } from './socket/backoff.ts';
import { RECONNECT_HIDDEN_MAX_DELAY_MS, RECONNECT_MAX_DELAY_MS } from './constants.ts';
import { IndexedDbPersistence } from './core/persistence.ts';
import { SYNC_STATUSES } from './status.ts';
import { SyncClient } from './sync-client.ts';

/** A socket the test plays the server on, frame by frame. */

let dbCount = 0;
function setup(persistence = new IndexedDbPersistence(`test-${++dbCount}`)) {
  const sockets: FakeSocket[] = [];
  const opened = new Set<() => void>();
  const client = new SyncClient({
    url: 'ws://test/sync',
    persistence,
    random: () => 0,
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      for (const wake of opened) wake();
      return socket;
    },
  });
  /** Resolves when the client has made its `count`th socket (a reconnect once its backoff ran out). */
  const socketMade = (count: number): Promise<FakeSocket> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (sockets.length < count) return;
        opened.delete(check);
        clearTimeout(timer);
        resolve(sockets[count - 1]!);
      };
      const timer = setTimeout(() => {
        opened.delete(check);
        reject(new Error(`the client made ${sockets.length} socket(s), not ${count}`));
      }, 5000);
      opened.add(check);
      check();
    });
  return { client, sockets, persistence, socketMade };
}

const DOC = 'conv:c_a:seg:0';
const entry = (text: string): MessageEntry => ({ id: `id${text}xxxxxxx`, author: 'u_me', text, sentAt: 1 });

async function online(
  socket: FakeSocket,
  seq = 0,
  update = Y.encodeStateAsUpdate(new Y.Doc()),
): Promise<void> {
  socket.open();
  socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
  await Promise.resolve();
  socket.deliver({ type: 'sync', docId: DOC, seq, update, latestSegment: 0 });
}

describe('sync client', () => {
  it('[CL1] moves through the closed set of statuses: offline, connecting, syncing, online, signed out', async () => {
    const { client, sockets } = setup();
    expect(client.status.get()).toBe('offline');
    client.start();
    expect(client.status.get()).toBe('connecting');
    await client.open(DOC);
    sockets[0]!.open();
    sockets[0]!.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
    expect(client.status.get()).toBe('syncing');
    sockets[0]!.deliver({
      type: 'sync',
      docId: DOC,
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 0,
    });
    expect(client.status.get()).toBe('online');
    sockets[0]!.drop(CLOSE_CODES.session_revoked.code);
    expect(client.status.get()).toBe('signed_out');
    expect(SYNC_STATUSES).toEqual(['offline', 'connecting', 'syncing', 'online', 'signed_out']);
    await client.stop();
  });

  it('[CL1] is offline for real only once a connection attempt has ended (not while waiting to hold the socket)', () => {
    const { client, sockets } = setup();
    expect(client.status.get()).toBe('offline');
    expect(client.isOffline()).toBe(false);
    client.start();
    sockets[0]!.drop();
    expect(client.status.get()).toBe('offline');
    expect(client.isOffline()).toBe(true);
    void client.stop();
  });

  it('[CL1] says "offline" (the banner) only once an attempt failed, through the retries, until connected', async () => {
    const { client, sockets, socketMade } = setup();
    const seen: boolean[] = [];
    client.offline.subscribe(() => seen.push(client.offline.get()));
    client.start();
    // The first attempt is under way: nothing has failed, nothing says offline.
    expect(client.status.get()).toBe('connecting');
    expect(client.offline.get()).toBe(false);
    sockets[0]!.drop();
    expect(client.offline.get()).toBe(true);
    // A retry ("connecting" again) is still offline: no flicker between the attempts.
    const retry = await socketMade(2);
    expect(client.status.get()).toBe('connecting');
    expect(client.offline.get()).toBe(true);
    await online(retry);
    expect(client.offline.get()).toBe(false);
    expect(seen).toEqual([true, false]);
    await client.stop();
  });

  it('[CL4] offers facts per document: the messages waiting to be sent, synced, refused', async () => {
    const { client, sockets } = setup();
    client.start();
    const doc = await client.open(DOC);
    const told: string[] = [];
    client.onFacts((docId) => told.push(docId));
    expect(client.facts(DOC)).toMatchObject({ synced: false, syncedBefore: false, pendingChanges: 0 });
    await online(sockets[0]!);
    expect(client.facts(DOC).synced).toBe(true);
    appendMessage(doc, entry('one'));
    expect([...client.facts(DOC).pendingMessageIds]).toEqual(['idonexxxxxxx']);
    sockets[0]!.deliver({ type: 'ack', docId: DOC, ref: 1, seq: 1 });
    expect(client.facts(DOC)).toMatchObject({ pendingChanges: 0, syncedBefore: true, refused: null });
    expect(client.facts(DOC).pendingMessageIds.size).toBe(0);
    appendMessage(doc, entry('two'));
    sockets[0]!.deliver({ type: 'rejected', docId: DOC, ref: 2, code: CLOSE_CODES.update_schema.code });
    expect(client.facts(DOC)).toMatchObject({ refused: 'update_schema', synced: false, pendingChanges: 0 });
    expect(new Set(told)).toEqual(new Set([DOC]));
    await client.stop();
  });

  it("[CL4] knows on the next start that it held the server's state, also of a document with an empty log", async () => {
    const name = `test-${++dbCount}`;
    const first = setup(new IndexedDbPersistence(name));
    first.client.start();
    await first.client.open(DOC);
    await online(first.sockets[0]!, 0);
    expect(first.client.facts(DOC)).toMatchObject({ synced: true, syncedBefore: true });
    await first.client.stop();

    // The next start, the server not answering yet: the device holds a copy, not nothing.
    const again = setup(new IndexedDbPersistence(name));
    again.client.start();
    await again.client.open(DOC);
    expect(again.client.facts(DOC)).toMatchObject({ synced: false, syncedBefore: true });
    await again.client.stop();

    // A device that never heard the server's answer does not claim it.
    const fresh = setup();
    fresh.client.start();
    await fresh.client.open(DOC);
    expect(fresh.client.facts(DOC)).toMatchObject({ synced: false, syncedBefore: false });
    await fresh.client.stop();
  });

  it('[CL2] reconnects with exponential, capped, jittered backoff', () => {
    expect(reconnectDelayMs(0, () => 1)).toBe(250);
    expect(reconnectDelayMs(0, () => 0)).toBe(125);
    expect(reconnectDelayMs(3, () => 1)).toBe(2000);
    expect(reconnectDelayMs(50, () => 1)).toBe(RECONNECT_MAX_DELAY_MS);
    // Seconds while the page is seen, so a restarted server is reached soon; longer when hidden.
    expect(RECONNECT_MAX_DELAY_MS).toBeLessThanOrEqual(5_000);
    expect(reconnectDelayMs(50, () => 1, RECONNECT_HIDDEN_MAX_DELAY_MS)).toBe(RECONNECT_HIDDEN_MAX_DELAY_MS);
  });

  it('[CL3] shows what IndexedDB holds before the network answers, with unacked updates still pending', async () => {
    const first = setup();
    first.client.start();
    const doc = await first.client.open(DOC);
    await online(first.sockets[0]!);
    appendMessage(doc, entry('kept'));
    expect(first.client.pending()).toBe(1);
    await first.client.stop();

    const second = setup(first.persistence);
    second.client.start(); // the socket never opens: no network at all
    const again = await second.client.open(DOC);
    expect(
      segmentOf(again)
        .messages.toArray()
        .map((m) => m.text),
    ).toEqual(['kept']);
    expect(second.client.pending(DOC)).toBe(1);
    await second.client.stop();
  });

  it('[UP5] resends unacked updates after a reconnect, in order, and counts pending per document [CL4]', async () => {
    const { client, sockets, socketMade } = setup();
    client.start();
    const doc = await client.open(DOC);
    await online(sockets[0]!);
    appendMessage(doc, entry('one'));
    appendMessage(doc, entry('two'));
    const [u1, u2] = sockets[0]!.last('update');
    expect([u1?.ref, u2?.ref]).toEqual([1, 2]);
    sockets[0]!.deliver({ type: 'ack', docId: DOC, ref: 1, seq: 1 });
    expect(client.pending(DOC)).toBe(1);
    expect(client.pendingTotal.get()).toBe(1);
    sockets[0]!.drop();
    expect(client.status.get()).toBe('offline');
    await socketMade(2);
    expect(sockets).toHaveLength(2);
    await online(sockets[1]!, 1);
    expect(sockets[1]!.last('subscribe')[0]?.docs[0]).toMatchObject({ docId: DOC, seq: 1 });
    expect(sockets[1]!.last('update').map((f) => f.ref)).toEqual([2]);
    sockets[1]!.deliver({ type: 'ack', docId: DOC, ref: 2, seq: 2 });
    expect(client.pendingTotal.get()).toBe(0);
    await client.stop();
  });

  it('[UP2] a refused document is rebuilt from the server: earlier unacked updates kept, the refused one lost, later ones made again after the server state', async () => {
    const { client, sockets, persistence, socketMade } = setup();
    client.start();
    const doc = await client.open(DOC);
    await online(sockets[0]!);
    appendMessage(doc, entry('fine'));
    appendMessage(doc, entry('refused'));
    appendMessage(doc, entry('after'));
    const replaced: Y.Doc[] = [];
    client.onDocReplaced((_id, fresh) => replaced.push(fresh));
    sockets[0]!.deliver({ type: 'rejected', docId: DOC, ref: 2, code: CLOSE_CODES.update_schema.code });
    sockets[0]!.drop(CLOSE_CODES.update_schema.code);
    expect(replaced).toHaveLength(1);
    expect(client.pending(DOC)).toBe(1);
    // Waiting for the server's state survives a reload: it is stored.
    await vi.waitFor(async () => expect((await persistence.load(DOC)).carried?.appended).toHaveLength(1));
    await socketMade(2);
    // Someone else wrote meanwhile: the server's copy holds their message.
    const server = new Y.Doc();
    appendMessage(server, { id: 'idtheirsxxxxxxx', author: 'u_ann', text: 'theirs', sentAt: 2 });
    await online(sockets[1]!, 1, Y.encodeStateAsUpdate(server));
    expect(sockets[1]!.last('subscribe')[0]?.docs[0]?.seq).toBe(0);
    const sent = sockets[1]!.last('update');
    expect(sent.map((f) => f.ref)).toEqual([1, 4]);
    const texts = segmentOf(replaced[0]!)
      .messages.toArray()
      .map((m) => m.text);
    expect(texts.toSorted()).toEqual(['after', 'fine', 'theirs']);
    expect(texts.at(-1)).toBe('after');
    expect(client.pending(DOC)).toBe(2);
    await vi.waitFor(async () => expect((await persistence.load(DOC)).carried).toBeUndefined());
    await client.stop();
  });

  it('[CL2] reconnects at once when the browser reports the network is back, and goes offline when it reports it gone', async () => {
    const events = new EventTarget();
    const g = globalThis as unknown as Record<string, unknown>;
    g.addEventListener = events.addEventListener.bind(events);
    g.removeEventListener = events.removeEventListener.bind(events);
    try {
      const sockets: FakeSocket[] = [];
      const client = new SyncClient({
        url: 'ws://test/sync',
        reconnectDelay: () => 60_000,
        createSocket: () => {
          const socket = new FakeSocket();
          sockets.push(socket);
          return socket;
        },
      });
      client.start();
      sockets[0]!.drop();
      expect(client.status.get()).toBe('offline');
      events.dispatchEvent(new Event('online'));
      expect(sockets).toHaveLength(2);
      expect(client.status.get()).toBe('connecting');
      // And drops the socket at once when it reports the network gone.
      sockets[1]!.open();
      sockets[1]!.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
      expect(client.status.get()).toBe('online');
      events.dispatchEvent(new Event('offline'));
      expect(client.status.get()).toBe('offline');
      await client.stop();
    } finally {
      delete g.addEventListener;
      delete g.removeEventListener;
    }
  });

  it('[CL2] tries again at once when the person returns to the page (shown or focused), not when it is hidden', async () => {
    const events = new EventTarget();
    const g = globalThis as unknown as Record<string, unknown>;
    const page = { visibilityState: 'hidden' };
    g.addEventListener = events.addEventListener.bind(events);
    g.removeEventListener = events.removeEventListener.bind(events);
    g.document = page;
    try {
      const sockets: FakeSocket[] = [];
      const client = new SyncClient({
        url: 'ws://test/sync',
        reconnectDelay: () => 60_000,
        createSocket: () => {
          const socket = new FakeSocket();
          sockets.push(socket);
          return socket;
        },
      });
      client.start();
      sockets[0]!.drop();
      expect(client.status.get()).toBe('offline');
      events.dispatchEvent(new Event('visibilitychange'));
      expect(sockets).toHaveLength(1);
      page.visibilityState = 'visible';
      events.dispatchEvent(new Event('visibilitychange'));
      expect(sockets).toHaveLength(2);
      // A focus while a connection is under way starts no second one.
      events.dispatchEvent(new Event('focus'));
      expect(sockets).toHaveLength(2);
      sockets[1]!.drop();
      events.dispatchEvent(new Event('focus'));
      expect(sockets).toHaveLength(3);
      expect(client.status.get()).toBe('connecting');
      await client.stop();
      // Stopped: nothing listens any more.
      events.dispatchEvent(new Event('focus'));
      expect(sockets).toHaveLength(3);
    } finally {
      delete g.addEventListener;
      delete g.removeEventListener;
      delete g.document;
    }
  });

  it('[POS2] sends each update with the state it was made against, and resends it with that same basis after a reload', async () => {
    const other = new Y.Doc();
    appendMessage(other, { ...entry('theirs'), author: 'u_them' });
    const first = setup();
    first.client.start();
    const doc = await first.client.open(DOC);
    await online(first.sockets[0]!, 1, Y.encodeStateAsUpdate(other));
    const before = Y.encodeStateVector(doc);
    appendMessage(doc, entry('mine'));
    const sent = first.sockets[0]!.last('update')[0]!;
    expect(sent.basis).toEqual(before);
    await first.client.stop();

    // More arrived meanwhile on another device; the resend still states what this one had seen.
    const again = setup(first.persistence);
    again.client.start();
    await again.client.open(DOC);
    const more = new Y.Doc();
    Y.applyUpdate(more, Y.encodeStateAsUpdate(other));
    appendMessage(more, { ...entry('later'), author: 'u_them' });
    await online(again.sockets[0]!, 2, Y.encodeStateAsUpdate(more));
    const resent = again.sockets[0]!.last('update')[0]!;
    expect(resent.update).toEqual(sent.update);
    expect(resent.basis).toEqual(before);
    await again.client.stop();
  });

  it('[SEG1] resends an update to segment n + 1 the server could not take yet once segment n moves', async () => {
    const next = 'conv:c_a:seg:1';
    const { client, sockets } = setup();
    client.start();
    await client.open(DOC);
    const doc = await client.open(next);
    await online(sockets[0]!);
    sockets[0]!.deliver({
      type: 'sync',
      docId: next,
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 0,
    });
    appendMessage(doc, entry('page two'));
    const sent = sockets[0]!.last('update').filter((f) => f.docId === next);
    expect(sent).toHaveLength(1);
    sockets[0]!.deliver({
      type: 'rejected',
      docId: next,
      ref: sent[0]!.ref,
      code: CLOSE_CODES.update_missing_dependency.code,
    });
    // Segment 0 fills up (another device's resent messages commit): the deferred update goes out again.
    sockets[0]!.deliver({ type: 'head', docId: DOC, seq: 1000 });
    expect(sockets[0]!.last('update').filter((f) => f.docId === next)).toHaveLength(2);
    await client.stop();
  });
  it('[SEG2] keeps a segment the server subscribed it to: frames that arrive while it loads apply in order, with no subscribe', async () => {
    const next = 'conv:c_a:seg:1';
    const { client, sockets, persistence } = setup();
    client.start();
    await client.open(DOC);
    await online(sockets[0]!);
    const server = new Y.Doc();
    const opening = change(server, (d) => appendMessage(d, entry('opening')));
    const second = change(server, (d) => appendMessage(d, entry('second')));
    // All three before the segment has loaded from IndexedDB.
    sockets[0]!.deliver({ type: 'sync', docId: next, seq: 0, update: opening, latestSegment: 1 });
    sockets[0]!.deliver({ type: 'update', docId: next, seq: 0, update: second });
    sockets[0]!.deliver({ type: 'head', docId: next, seq: 2 });
    expect(client.isOpen(next)).toBe(true);
    await vi.waitFor(() => expect(client.docState(next)).toBe('synced'));
    expect(
      segmentOf(client.doc(next)!)
        .messages.toArray()
        .map((m) => m.text),
    ).toEqual(['opening', 'second']);
    expect(client.seqOf(next)).toBe(2);
    expect(sockets[0]!.last('subscribe').flatMap((f) => f.docs.map((d) => d.docId))).toEqual([DOC]);
    // It is stored like a segment the device opened itself.
    await vi.waitFor(async () => expect((await persistence.load(next)).seq).toBe(2));
    await client.stop();
  });

  it('[SEG2] subscribes a followed segment on the next socket when the first dropped before it loaded', async () => {
    const next = 'conv:c_a:seg:1';
    const { client, sockets } = setup();
    client.start();
    await client.open(DOC);
    await online(sockets[0]!);
    const opening = change(new Y.Doc(), (d) => appendMessage(d, entry('opening')));
    sockets[0]!.deliver({ type: 'sync', docId: next, seq: 0, update: opening, latestSegment: 1 });
    sockets[0]!.drop();
    await vi.waitFor(() => expect(client.docState(next)).toBe('idle'));
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    await online(sockets[1]!);
    expect(
      sockets[1]!
        .last('subscribe')[0]
        ?.docs.map((d) => d.docId)
        .sort(),
    ).toEqual([DOC, next]);
    await client.stop();
  });
});

/** The update a change makes. */
function change(doc: Y.Doc, mutate: (doc: Y.Doc) => void): Uint8Array {
  const captured: { update?: Uint8Array } = {};
  const listener = (update: Uint8Array): void => void (captured.update = update);
  doc.on('update', listener);
  mutate(doc);
  doc.off('update', listener);
  if (!captured.update) throw new Error('the change produced no update');
  return captured.update;
}
