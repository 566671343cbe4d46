import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  appendMessage,
  CLOSE_CODES,
  decodeServerFrame,
  encodeClientFrame,
  PROTOCOL_VERSION,
  segmentDocId,
  segmentOf,
  SYNC_LIMITS,
  type ClientFrame,
  type MessageEntry,
  type ServerFrame,
} from '@messenjo/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MembershipStore } from '../../conversations/membership-store.ts';
import { MIGRATIONS, migrate, openDatabase, SqliteDatabase } from '../../db/index.ts';
import { createEventBus, type EventBus } from '../../events/bus.ts';
import { createLogger } from '../../logger.ts';
import type { AppendRow, CommitExtras, DocStore } from '../store/doc-store.ts';
import { connectSocket } from '../socket/connection.ts';
import { SyncHub } from './hub.ts';
import { SqliteDocStore } from '../store/sqlite-doc-store.ts';
import { SessionStore } from '../../sessions/index.ts';
import { Seeder } from '../../tools/seed.ts';

/**
 * The hub over a store whose reads answer late (as one on another thread or machine would):
 * frames of a socket are handled in the order they came, a document being read holds the
 * updates for it, and what happens while the store answers (a relay, a membership ending) is
 * never lost or let through.
 */

/** SQLite underneath, every answer held until `release()` (reads made after it answer at once). */
class HeldReads implements DocStore {
  private held: (() => void)[] = [];
  private holding = true;
  constructor(private readonly inner: SqliteDocStore) {}

  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }
  hold(): void {
    this.holding = true;
  }
  get waiting(): number {
    return this.held.length;
  }
  /** Read now (the answer is what was true when asked), delivered once released. */
  private read<T>(read: () => Promise<T>): Promise<T> {
    const answer = read();
    if (!this.holding) return answer;
    return new Promise<T>((resolve, reject) => this.held.push(() => void answer.then(resolve, reject)));
  }
  load = (docId: string) => this.read(() => this.inner.load(docId));
  heads = (docIds: readonly string[]) => this.read(() => this.inner.heads(docIds));
  logAfter = (docId: string, afterSeq: number) => this.read(() => this.inner.logAfter(docId, afterSeq));
  logLength = (docId: string) => this.read(() => this.inner.logLength(docId));
  updateSeq = (docId: string, id: Uint8Array, data: Uint8Array) =>
    this.read(() => this.inner.updateSeq(docId, id, data));
  latestSegments = (ids: readonly string[]) => this.read(() => this.inner.latestSegments(ids));
  /** Commits that reached the store while commits are held, each released or failed by the test. */
  readonly heldCommits: { rows: number; commit: () => void; fail: (error: Error) => void }[] = [];
  private holdingCommits = false;
  holdCommits(): void {
    this.holdingCommits = true;
  }
  /** Commits what was held (in order) and whatever comes next at once. */
  releaseCommits(): void {
    this.holdingCommits = false;
    for (const held of this.heldCommits.splice(0)) held.commit();
  }
  appendBatch = (rows: readonly AppendRow[], extras?: CommitExtras): Promise<number[]> => {
    if (!this.holdingCommits) return this.inner.appendBatch(rows, extras);
    return new Promise((resolve, reject) =>
      this.heldCommits.push({
        rows: rows.length,
        commit: () => void this.inner.appendBatch(rows, extras).then(resolve, reject),
        fail: reject,
      }),
    );
  };
  compact = (docId: string, throughSeq: number, state: Uint8Array) =>
    this.inner.compact(docId, throughSeq, state);
  close = () => this.inner.close();
}

/** A device's socket in memory: what it is sent, and how it was closed. */
class Device {
  readonly frames: ServerFrame[] = [];
  closeCode: number | undefined;
  readonly connection;
  constructor(hub: SyncHub, userId: string) {
    this.connection = connectSocket(
      hub,
      {
        send: (bytes) => {
          const decoded = decodeServerFrame(bytes);
          if (decoded.kind === 'frame') this.frames.push(decoded.frame);
        },
        close: (code) => void (this.closeCode = code),
      },
      { userId, sessionId: `s_${userId}_${Math.random()}` },
    );
    this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
  }
  send(frame: ClientFrame): void {
    this.connection.receive(encodeClientFrame(frame));
  }
  subscribe(docId: string, seq = 0, stateVector: Uint8Array = new Uint8Array([0])): void {
    this.send({ type: 'subscribe', docs: [{ docId, seq, stateVector }] });
  }
  /** Frame types in the order they arrived, hello left out. */
  get order(): string[] {
    return this.frames
      .filter((f) => f.type !== 'hello')
      .map((f) => ('ref' in f ? `${f.type} ${f.ref}` : f.type));
  }
}

const message = (author: string, text: string): MessageEntry => ({
  id: `m${Math.random().toString(36).slice(2, 12)}x`,
  author,
  text,
  sentAt: 1,
});

function change(doc: Y.Doc, mutate: (doc: Y.Doc) => void): Uint8Array {
  const captured: { update?: Uint8Array } = {};
  const listen = (update: Uint8Array): void => void (captured.update = update);
  doc.on('update', listen);
  mutate(doc);
  doc.off('update', listen);
  if (!captured.update) throw new Error('the change produced no update');
  return captured.update;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<{
  hub: SyncHub;
  store: HeldReads;
  memberships: MembershipStore;
  bus: EventBus;
  conv: string;
  ann: string;
  ben: string;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-slow-store-'));
  const db = openDatabase(path.join(dir, 'db.sqlite'));
  migrate(db, MIGRATIONS);
  const bus = createEventBus(() => {});
  const database = new SqliteDatabase(db);
  const memberships = new MembershipStore(database, bus);
  const seed = Seeder.over(database, { sessions: new SessionStore(database, bus), memberships });
  const url = new URL('http://localhost');
  const ann = (await seed.user('ann', url)).userId;
  const ben = (await seed.user('ben', url)).userId;
  const conv = await seed.group('g', [
    { userId: ann, role: 'owner' },
    { userId: ben, role: 'member' },
  ]);
  const store = new HeldReads(new SqliteDocStore(db));
  const hub = new SyncHub({ store, memberships, bus, logger: createLogger('error', () => {}) });
  cleanups.push(async () => {
    await hub.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { hub, store, memberships, bus, conv, ann, ben };
}

describe('the hub over a store that answers late', () => {
  it('[UP3] handles a socket’s frames in order: the answer to its subscribe, then the acks of the updates sent right behind it', async () => {
    const { hub, store, conv, ann: annId } = await setup();
    const docId = segmentDocId(conv, 0);
    const ann = new Device(hub, annId);
    const doc = new Y.Doc();
    ann.subscribe(docId);
    ann.send({
      type: 'update',
      docId,
      ref: 1,
      update: change(doc, (d) => appendMessage(d, message(annId, 'one'))),
    });
    ann.send({
      type: 'update',
      docId,
      ref: 2,
      update: change(doc, (d) => appendMessage(d, message(annId, 'two'))),
    });
    await vi.waitFor(() => expect(store.waiting).toBeGreaterThan(0));
    expect(ann.order).toEqual([]);
    store.release();
    await vi.waitFor(() => expect(ann.order).toContain('ack 2'));
    // Never update_not_subscribed: the updates waited for the subscribe ahead of them.
    expect(ann.order.filter((t) => t.startsWith('sync') || t.startsWith('ack'))).toEqual([
      'sync',
      'ack 1',
      'ack 2',
    ]);
    expect(ann.closeCode).toBeUndefined();
    expect((await store.heads([docId])).get(docId)).toBe(2);
  });

  it('[LIM4] a socket that keeps sending while its subscribe waits is closed rate_limited once MAX_WAITING_BYTES wait', async () => {
    const { hub, store, conv, ann: annId } = await setup();
    const docId = segmentDocId(conv, 0);
    const ann = new Device(hub, annId);
    ann.subscribe(docId);
    await vi.waitFor(() => expect(store.waiting).toBeGreaterThan(0));
    const big = (ref: number): ClientFrame => ({
      type: 'update',
      docId,
      ref,
      update: new Uint8Array(400_000),
    });
    const fit = Math.floor(SYNC_LIMITS.MAX_WAITING_BYTES / 400_100);
    for (let ref = 1; ref <= fit; ref++) ann.send(big(ref));
    expect(ann.closeCode).toBeUndefined();
    ann.send(big(fit + 1));
    expect(ann.closeCode).toBe(CLOSE_CODES.rate_limited.code);
    store.release();
    // Nothing that waited is handled after the close: no answer, no refusal, nothing stored.
    await vi.waitFor(() => expect(store.waiting).toBe(0));
    expect(ann.order).toEqual([]);
    expect((await store.heads([docId])).get(docId) ?? 0).toBe(0);
  });

  it('[RL1] an update relayed while a subscribe waits for the store reaches the subscriber in its answer', async () => {
    const { hub, store, conv, ann: annId, ben: benId } = await setup();
    const docId = segmentDocId(conv, 0);
    const ann = new Device(hub, annId);
    const annDoc = new Y.Doc();
    store.release();
    ann.subscribe(docId);
    await vi.waitFor(() => expect(ann.order).toContain('sync'));
    const first = message(annId, 'before Ben subscribed');
    ann.send({ type: 'update', docId, ref: 1, update: change(annDoc, (d) => appendMessage(d, first)) });
    await vi.waitFor(() => expect(ann.order).toContain('ack 1'));
    store.hold();
    // Ben's device already holds the first message (seq 1): the store will say it lacks nothing.
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(annDoc));
    const ben = new Device(hub, benId);
    ben.subscribe(docId, 1, Y.encodeStateVector(replica)); // waits for the store
    await vi.waitFor(() => expect(store.waiting).toBeGreaterThan(0));
    const late = message(annId, 'written while Ben subscribed');
    ann.send({ type: 'update', docId, ref: 2, update: change(annDoc, (d) => appendMessage(d, late)) });
    await vi.waitFor(() => expect(ann.order).toContain('ack 2'));
    store.release();
    await vi.waitFor(() => expect(ben.order).toContain('sync'));
    for (const frame of ben.frames) {
      if (frame.type === 'sync' || frame.type === 'update') Y.applyUpdate(replica, frame.update);
    }
    expect(segmentOf(replica).messages.toArray()).toEqual([first, late]);
  });

  it('[LA1] a membership that ends while a subscribe waits for the store is denied, with no data', async () => {
    const { hub, store, memberships, conv, ben: benId } = await setup();
    const docId = segmentDocId(conv, 0);
    const ben = new Device(hub, benId);
    ben.subscribe(docId);
    await vi.waitFor(() => expect(store.waiting).toBeGreaterThan(0));
    await memberships.endMembership(conv, benId, 'removed');
    store.release();
    await vi.waitFor(() => expect(ben.frames.some((f) => f.type === 'denied')).toBe(true));
    expect(ben.frames.find((f) => f.type === 'denied')).toMatchObject({ docId, reason: 'not_member' });
    expect(ben.frames.filter((f) => f.type === 'sync')).toEqual([]);
    expect(ben.connection.subscriptions.size).toBe(0);
  });

  it('[UP3] a failed commit takes the document’s later updates with it: a device that opens it again gets sequence numbers that never collide, and nothing unstored is acked', async () => {
    const { hub, store, conv, ann: annId, ben: benId } = await setup();
    const docId = segmentDocId(conv, 0);
    store.release();
    const ann = new Device(hub, annId);
    const ben = new Device(hub, benId);
    ann.subscribe(docId);
    ben.subscribe(docId);
    await vi.waitFor(() => expect([ann.order, ben.order]).toEqual([['sync'], ['sync']]));
    store.holdCommits();
    const annDoc = new Y.Doc();
    const one = message(annId, 'one');
    ann.send({ type: 'update', docId, ref: 1, update: change(annDoc, (d) => appendMessage(d, one)) });
    await vi.waitFor(() => expect(store.heldCommits.map((c) => c.rows)).toEqual([1]));
    // Seq 2 collects behind the commit of seq 1 (relayed at once, as every update).
    const two = message(annId, 'two');
    ann.send({ type: 'update', docId, ref: 2, update: change(annDoc, (d) => appendMessage(d, two)) });
    await vi.waitFor(() => expect(ben.frames.filter((f) => f.type === 'update')).toHaveLength(2));
    store.heldCommits.shift()!.fail(new Error('disk I/O error'));
    await vi.waitFor(() => expect(ann.closeCode).toBe(CLOSE_CODES.server_error.code));
    expect(ben.closeCode).toBe(CLOSE_CODES.server_error.code);
    expect(ann.order).toEqual(['sync']); // never acked

    // Ben's device comes back at once, while whatever was behind the failure could still be in flight.
    const benAgain = new Device(hub, benId);
    benAgain.subscribe(docId);
    await vi.waitFor(() => expect(benAgain.order).toEqual(['sync']));
    const benDoc = new Y.Doc();
    Y.applyUpdate(benDoc, (benAgain.frames.find((f) => f.type === 'sync') as { update: Uint8Array }).update);
    expect(segmentOf(benDoc).messages.toArray()).toEqual([]); // nothing that was never stored
    const three = message(benId, 'three');
    const four = message(benId, 'four');
    benAgain.send({ type: 'update', docId, ref: 1, update: change(benDoc, (d) => appendMessage(d, three)) });
    benAgain.send({ type: 'update', docId, ref: 2, update: change(benDoc, (d) => appendMessage(d, four)) });
    await vi.waitFor(() => expect(store.heldCommits.length).toBeGreaterThan(0));
    store.releaseCommits();
    await vi.waitFor(() =>
      expect(benAgain.order.includes('ack 2') || benAgain.closeCode !== undefined).toBe(true),
    );
    expect(benAgain.closeCode).toBeUndefined();
    expect(benAgain.frames.flatMap((f) => (f.type === 'ack' ? [[f.ref, f.seq]] : []))).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const stored = await store.load(docId);
    expect(stored.log.map((entry) => entry.seq)).toEqual([1, 2]);
    const replica = new Y.Doc();
    for (const entry of stored.log) Y.applyUpdate(replica, entry.data);
    expect(segmentOf(replica).messages.toArray()).toEqual([three, four]);
  });

  it('[UP3] a document dropped from memory while its updates commit is read again only once they are stored: the next update follows them', async () => {
    const { hub, store, conv, ann: annId, ben: benId } = await setup();
    const docId = segmentDocId(conv, 0);
    store.release();
    const ann = new Device(hub, annId);
    ann.subscribe(docId);
    await vi.waitFor(() => expect(ann.order).toEqual(['sync']));
    store.holdCommits();
    const annDoc = new Y.Doc();
    const one = message(annId, 'one');
    const two = message(annId, 'two');
    ann.send({ type: 'update', docId, ref: 1, update: change(annDoc, (d) => appendMessage(d, one)) });
    ann.send({ type: 'update', docId, ref: 2, update: change(annDoc, (d) => appendMessage(d, two)) });
    await vi.waitFor(() => expect(store.heldCommits.map((c) => c.rows)).toEqual([2]));
    // As when an update will not apply: the room drops the document and the store is the truth.
    (hub as unknown as { rooms: Map<string, { evict(): void }> }).rooms.get(docId)!.evict();
    const ben = new Device(hub, benId);
    ben.subscribe(docId);
    await vi.waitFor(() => expect(ben.order).toEqual(['sync']));
    const benDoc = new Y.Doc();
    Y.applyUpdate(benDoc, (ben.frames.find((f) => f.type === 'sync') as { update: Uint8Array }).update);
    expect(segmentOf(benDoc).messages.toArray()).toEqual([one, two]); // the committing ones with the log
    const three = message(benId, 'three');
    // Reads now answer with what is true when asked, delivered later: a room that read the
    // document while its rows were still committing would take head 0 and hand out seq 1 again.
    store.hold();
    ben.send({ type: 'update', docId, ref: 1, update: change(benDoc, (d) => appendMessage(d, three)) });
    await new Promise((resolve) => setImmediate(resolve)); // the update reaches the room
    store.releaseCommits();
    store.release();
    await vi.waitFor(() => expect(ben.order.includes('ack 1') || ben.closeCode !== undefined).toBe(true));
    expect(ben.closeCode).toBeUndefined();
    expect(ben.frames.find((f) => f.type === 'ack')).toMatchObject({ ref: 1, seq: 3 });
    expect(ann.order.filter((t) => t.startsWith('ack'))).toEqual(['ack 1', 'ack 2']);
    const stored = await store.load(docId);
    expect(stored.log.map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });

  it('[SYS1] a system entry for a conversation not in memory is written once its newest segment is read', async () => {
    const { store, bus, conv, ann: annId } = await setup();
    const docId = segmentDocId(conv, 0);
    bus.publish({
      type: 'conversation.system',
      conversationId: conv,
      entry: { kind: 'group_renamed', actorId: annId, name: 'new name' },
    });
    await vi.waitFor(() => expect(store.waiting).toBeGreaterThan(0));
    store.release();
    await vi.waitFor(async () => expect((await store.heads([docId])).get(docId)).toBe(1));
  });
});
