import {
  appendMessage,
  decodeTyping,
  encodeTyping,
  PROTOCOL_VERSION,
  segmentOf,
  type ServerFrame,
} from '@messenjo/shared';
import { describe, expect, it, vi } from 'vitest';
import { FakeSocket } from './socket/fake-socket.ts';
import * as Y from 'yjs';
import { MemoryPersistence } from './core/persistence.ts';
import { SyncClient } from './sync-client.ts';
import type { TabChannel, TabMessage } from './tabs/tab-channel.ts';
import { electSocketLeader } from './tabs/leader-election.ts';

/** BroadcastChannel semantics in memory: every other tab hears a message, asynchronously. */
function channels(count: number): TabChannel[] {
  const handlers = Array.from({ length: count }, () => new Set<(m: TabMessage) => void>());
  return handlers.map((own, index) => ({
    post: (message) =>
      handlers.forEach((set, i) => {
        if (i !== index) for (const h of set) queueMicrotask(() => h(message));
      }),
    subscribe(handler) {
      own.add(handler);
      return () => own.delete(handler);
    },
  }));
}

/** Web Locks in memory: one holder per name, the next waiter gets it when the holder lets go. */
function fakeLocks(): LockManager {
  const queue: (() => void)[] = [];
  let held = false;
  const grantNext = (): void => {
    const next = queue.shift();
    if (next) next();
    else held = false;
  };
  return {
    request: (_name: string, _options: unknown, callback: () => Promise<void>) =>
      new Promise<void>((resolve) => {
        const run = (): void => {
          held = true;
          void callback().then(() => {
            grantNext();
            resolve();
          });
        };
        if (held) queue.push(run);
        else run();
      }),
  } as unknown as LockManager;
}

const DOC = 'conv:c_a:seg:0';

describe('tabs of one device', () => {
  it("[CL5] only the leader tab holds a socket; a follower's writes go out through it and remote changes reach it; the lock passes on", async () => {
    const [chanA, chanB] = channels(2);
    const persistence = new MemoryPersistence();
    const sockets: FakeSocket[] = [];
    const make = (tabs: TabChannel) =>
      new SyncClient({
        url: 'ws://x/sync',
        persistence,
        tabs,
        createSocket: () => {
          const socket = new FakeSocket();
          sockets.push(socket);
          return socket;
        },
      });
    const first = make(chanA!);
    const second = make(chanB!);
    first.start();
    second.start();
    const locks = fakeLocks();
    const releaseFirst = electSocketLeader(first, locks);
    const releaseSecond = electSocketLeader(second, locks);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));

    await first.open(DOC);
    const followerDoc = await second.open(DOC);
    const socket = sockets[0]!;
    socket.onopen?.({});
    socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
    socket.deliver({
      type: 'sync',
      docId: DOC,
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 0,
    });
    await vi.waitFor(() => expect(second.docState(DOC)).toBe('synced'));

    appendMessage(followerDoc, { id: 'fromfollower1', author: 'u_me', text: 'typed in tab 2', sentAt: 1 });
    await vi.waitFor(() => expect(socket.sent.filter((f) => f.type === 'update')).toHaveLength(1));
    expect(second.pendingTotal.get()).toBe(1);

    const remote = new Y.Doc();
    let update: Uint8Array | undefined;
    remote.once('update', (u: Uint8Array) => (update = u));
    appendMessage(remote, { id: 'fromelsewhere', author: 'u_other', text: 'hi', sentAt: 2 });
    socket.deliver({ type: 'update', docId: DOC, seq: 0, update: update! });
    await vi.waitFor(() =>
      expect(
        segmentOf(followerDoc)
          .messages.toArray()
          .map((m) => m.text)
          .sort(),
      ).toEqual(['hi', 'typed in tab 2']),
    );

    // The leader tab closes: the other tab takes the lock and connects.
    releaseFirst();
    await first.stop();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    releaseSecond();
    await second.stop();
  });

  it("[POS2] a follower tab's change goes out with the follower's basis, not what the leader had meanwhile", async () => {
    const [chanA, chanB] = channels(2);
    const persistence = new MemoryPersistence();
    const sockets: FakeSocket[] = [];
    const make = (tabs: TabChannel) =>
      new SyncClient({
        url: 'ws://x/sync',
        persistence,
        tabs,
        createSocket: () => {
          const socket = new FakeSocket();
          sockets.push(socket);
          return socket;
        },
      });
    const leader = make(chanA!);
    const follower = make(chanB!);
    leader.start();
    follower.start();
    const locks = fakeLocks();
    const releaseLeader = electSocketLeader(leader, locks);
    const releaseFollower = electSocketLeader(follower, locks);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    await leader.open(DOC);
    const followerDoc = await follower.open(DOC);
    const socket = sockets[0]!;
    socket.onopen?.({});
    socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
    socket.deliver({
      type: 'sync',
      docId: DOC,
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 0,
    });
    await vi.waitFor(() => expect(follower.docState(DOC)).toBe('synced'));

    // Another device's message reaches the leader; the follower writes before hearing of it.
    const remote = new Y.Doc();
    let update: Uint8Array | undefined;
    remote.once('update', (u: Uint8Array) => (update = u));
    appendMessage(remote, { id: 'fromelsewhere', author: 'u_other', text: 'hi', sentAt: 2 });
    socket.deliver({ type: 'update', docId: DOC, seq: 0, update: update! });
    const followerHad = Y.encodeStateVector(followerDoc);
    appendMessage(followerDoc, { id: 'fromfollower1', author: 'u_me', text: 'typed in tab 2', sentAt: 1 });
    await vi.waitFor(() => expect(socket.sent.filter((f) => f.type === 'update')).toHaveLength(1));
    const sent = socket.sent.filter((f) => f.type === 'update');
    expect(sent[0]!.type === 'update' && sent[0]!.basis).toEqual(followerHad);
    releaseLeader();
    releaseFollower();
    await leader.stop();
    await follower.stop();
  });

  it("[AW1] a follower tab shows the leader's connection, its typing goes out on the leader's socket, and typing heard there reaches it [CL5]", async () => {
    const [chanA, chanB] = channels(2);
    const persistence = new MemoryPersistence();
    const sockets: FakeSocket[] = [];
    const make = (tabs: TabChannel) =>
      new SyncClient({
        url: 'ws://x/sync',
        persistence,
        tabs,
        createSocket: () => {
          const socket = new FakeSocket();
          sockets.push(socket);
          return socket;
        },
      });
    const leader = make(chanA!);
    const follower = make(chanB!);
    leader.start();
    follower.start();
    const locks = fakeLocks();
    const releaseLeader = electSocketLeader(leader, locks);
    const releaseFollower = electSocketLeader(follower, locks);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const socket = sockets[0]!;
    socket.onopen?.({});
    socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
    await vi.waitFor(() => expect(follower.status.get()).toBe(leader.status.get()));

    // The follower shows the leader's connection: syncing until the leader has its document.
    await leader.open(DOC);
    await follower.open(DOC);
    await vi.waitFor(() => expect(follower.status.get()).toBe('syncing'));
    socket.deliver({
      type: 'sync',
      docId: DOC,
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 0,
    });
    await vi.waitFor(() => expect(follower.status.get()).toBe('online'));
    expect(follower.docState(DOC)).toBe('synced');

    follower.sendAwareness('c_a', encodeTyping({ typing: true }));
    await vi.waitFor(() =>
      expect(socket.last('awareness').map((f) => decodeTyping(f.payload))).toEqual([{ typing: true }]),
    );

    const heard: ServerFrame[] = [];
    follower.onFrameReceived((frame) => heard.push(frame));
    socket.deliver({
      type: 'awareness',
      conversationId: 'c_a',
      userId: 'u_ann',
      payload: encodeTyping({ typing: true }),
    });
    socket.deliver({ type: 'segment', conversationId: 'c_a', index: 1 });
    await vi.waitFor(() => expect(heard.map((f) => f.type)).toEqual(['awareness', 'segment']));
    // The newest segment a sync names reaches it as a new segment: a follower that opened the
    // conversation at segment 0 (nothing stored) learns where its newest messages are.
    socket.deliver({
      type: 'sync',
      docId: 'conv:c_a:seg:1',
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 2,
    });
    await vi.waitFor(() =>
      expect(heard.at(-1)).toEqual({ type: 'segment', conversationId: 'c_a', index: 2 }),
    );
    releaseLeader();
    releaseFollower();
    await leader.stop();
    await follower.stop();
  });

  it("[CL5] a follower tab shows the message it wrote pending until the leader's socket has it acked", async () => {
    const [chanA, chanB] = channels(2);
    const persistence = new MemoryPersistence();
    const sockets: FakeSocket[] = [];
    const make = (tabs: TabChannel) =>
      new SyncClient({
        url: 'ws://x/sync',
        persistence,
        tabs,
        createSocket: () => {
          const socket = new FakeSocket();
          sockets.push(socket);
          return socket;
        },
      });
    const leader = make(chanA!);
    const follower = make(chanB!);
    leader.start();
    follower.start();
    const locks = fakeLocks();
    const releaseLeader = electSocketLeader(leader, locks);
    const releaseFollower = electSocketLeader(follower, locks);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    await leader.open(DOC);
    const followerDoc = await follower.open(DOC);
    const socket = sockets[0]!;
    socket.onopen?.({});
    socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
    socket.deliver({
      type: 'sync',
      docId: DOC,
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 0,
    });
    await vi.waitFor(() => expect(follower.docState(DOC)).toBe('synced'));

    appendMessage(followerDoc, { id: 'fromfollower2', author: 'u_me', text: 'pending here too', sentAt: 1 });
    // At once, before the leader has heard of it.
    expect([...follower.facts(DOC).pendingMessageIds]).toEqual(['fromfollower2']);
    await vi.waitFor(() => expect([...leader.facts(DOC).pendingMessageIds]).toEqual(['fromfollower2']));
    expect([...follower.facts(DOC).pendingMessageIds]).toEqual(['fromfollower2']);
    await vi.waitFor(() => expect(socket.last('update')).toHaveLength(1));
    const [sent] = socket.last('update');
    socket.deliver({ type: 'ack', docId: DOC, ref: sent!.ref, seq: 1 });
    await vi.waitFor(() => expect(follower.facts(DOC).pendingMessageIds.size).toBe(0));
    expect(follower.pendingTotal.get()).toBe(0);
    releaseLeader();
    releaseFollower();
    await leader.stop();
    await follower.stop();
  });
});
