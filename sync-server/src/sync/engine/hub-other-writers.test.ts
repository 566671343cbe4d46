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
  type ClientFrame,
  type MessageEntry,
  type ServerFrame,
} from '@messenjo/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MembershipStore } from '../../conversations/membership-store.ts';
import { MIGRATIONS, migrate, openDatabase, SqliteDatabase } from '../../db/index.ts';
import { createEventBus } from '../../events/bus.ts';
import { createLogger } from '../../logger.ts';
import { SessionStore } from '../../sessions/index.ts';
import { Seeder } from '../../tools/seed.ts';
import { connectSocket } from '../socket/connection.ts';
import { SqliteDocStore } from '../store/sqlite-doc-store.ts';
import { SyncHub } from './hub.ts';

/**
 * The hub beside another writer of its documents (another server process on the same store,
 * here a second connection to the same SQLite file): the store numbers every update, so this
 * hub's own commits may come back with a number past its head. It then reads the numbers
 * between from the store, relays them, and acks its own update (and announces the head) only
 * once everything before it is in; an update the bus hands over (`applyCommitted`) takes the
 * same path, once.
 */

class Device {
  readonly frames: ServerFrame[] = [];
  readonly doc = new Y.Doc();
  /** The close code the hub closed the socket with. */
  closedWith: number | undefined;
  readonly sessionId = `s_${Math.random()}`;
  constructor(
    hub: SyncHub,
    readonly userId: string,
  ) {
    this.connection = connectSocket(
      hub,
      {
        send: (bytes) => {
          const decoded = decodeServerFrame(bytes);
          if (decoded.kind !== 'frame') return;
          this.frames.push(decoded.frame);
          if (decoded.frame.type === 'sync' || decoded.frame.type === 'update')
            Y.applyUpdate(this.doc, decoded.frame.update);
        },
        close: (code) => void (this.closedWith = code),
      },
      { userId, sessionId: this.sessionId },
    );
    this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
  }
  private readonly connection;
  send(frame: ClientFrame): void {
    this.connection.receive(encodeClientFrame(frame));
  }
  /** The messages it holds, sorted (concurrent appends are ordered by Yjs, not by sequence number). */
  texts(): string[] {
    return segmentOf(this.doc)
      .messages.toArray()
      .map((m) => m.text)
      .sort();
  }
  /** Frame types in order: `ack <seq>`, `head <seq>`, `update`, `sync`. */
  get order(): string[] {
    return this.frames.flatMap((f) =>
      f.type === 'ack' || f.type === 'head' ? [`${f.type} ${f.seq}`] : f.type === 'hello' ? [] : [f.type],
    );
  }
}

const message = (author: string, text: string): MessageEntry => ({
  id: `m${Math.random().toString(36).slice(2, 12)}x`,
  author,
  text,
  sentAt: 1,
});

function change(doc: Y.Doc, mutate: (doc: Y.Doc) => void): Uint8Array {
  let update: Uint8Array | undefined;
  const listen = (u: Uint8Array): void => void (update = u);
  doc.on('update', listen);
  mutate(doc);
  doc.off('update', listen);
  if (!update) throw new Error('the change produced no update');
  return update;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-other-writers-'));
  const file = path.join(dir, 'db.sqlite');
  const db = openDatabase(file);
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
  const hub = new SyncHub({
    store: new SqliteDocStore(db),
    memberships,
    bus,
    logger: createLogger('error', () => {}),
  });
  const otherDb = openDatabase(file);
  const otherProcess = new SqliteDocStore(otherDb);
  cleanups.push(async () => {
    await hub.close();
    otherDb.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { hub, otherProcess, docId: segmentDocId(conv, 0), ann, ben, conv, db };
}

describe('the hub beside another writer of its documents', () => {
  it('[SEQ1] [SEQ2] acks its own update with the number the store gave it, only after relaying the ones another process stored before it', async () => {
    const { hub, otherProcess, docId, ann: annId, ben: benId } = await setup();
    const ann = new Device(hub, annId);
    const ben = new Device(hub, benId);
    ann.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
    ben.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
    await vi.waitFor(() => expect([ann.order, ben.order]).toEqual([['sync'], ['sync']]));
    const send = (device: Device, ref: number, text: string): void =>
      device.send({
        type: 'update',
        docId,
        ref,
        update: change(device.doc, (d) => appendMessage(d, message(device.userId, text))),
      });

    send(ann, 1, 'one');
    await vi.waitFor(() => expect(ann.order).toContain('ack 1'));
    // Ben writes through another process: stored as 2, never seen by this one.
    const elsewhere = new Y.Doc();
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(ben.doc));
    const two = change(elsewhere, (d) => appendMessage(d, message(benId, 'two')));
    expect(
      await otherProcess.appendBatch([{ docId, data: two, userId: benId, newClients: [elsewhere.clientID] }]),
    ).toEqual([2]);

    send(ann, 2, 'three'); // stored as 3: the hub reads 2 from the store before it acks
    await vi.waitFor(() => expect(ann.order).toContain('ack 3'));
    expect(ann.order.indexOf('update')).toBeLessThan(ann.order.indexOf('ack 3')); // 2 relayed first
    expect(ann.texts()).toEqual(['one', 'three', 'two']);
    await vi.waitFor(() => expect(ben.texts()).toEqual(['one', 'three', 'two']));
    await vi.waitFor(() => expect(ben.order.filter((t) => t.startsWith('head')).at(-1)).toBe('head 3'));
    expect(
      ann.order.filter((t) => t.startsWith('ack') || t.startsWith('head')).every((t) => !t.endsWith(' 2')),
    ).toBe(true);

    // The bus hands over the next one (at most once; here twice): relayed once, in order.
    const four = change(elsewhere, (d) => appendMessage(d, message(benId, 'four')));
    const [seq] = await otherProcess.appendBatch([{ docId, data: four, userId: benId, newClients: [] }]);
    const relays = ann.order.filter((t) => t === 'update').length;
    hub.applyCommitted(docId, { seq: seq!, data: four, userId: benId });
    hub.applyCommitted(docId, { seq: seq!, data: four, userId: benId });
    await vi.waitFor(() => expect(ann.texts()).toEqual(['four', 'one', 'three', 'two']));
    expect(ann.order.filter((t) => t === 'update').length).toBe(relays + 1); // both in one turn, written together

    // Ben's client id, first used in another process, is Ben's here too: his next update
    // from that document is accepted, and numbered after everything.
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(ann.doc));
    ben.send({
      type: 'update',
      docId,
      ref: 7,
      update: change(elsewhere, (d) => appendMessage(d, message(benId, 'five'))),
    });
    await vi.waitFor(() => expect(ben.order).toContain('ack 5'));
    await vi.waitFor(() => expect(ann.texts()).toEqual(['five', 'four', 'one', 'three', 'two']));
    const stored = await otherProcess.logAfter(docId, 0);
    expect(stored?.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('the backstop: a room behind the store reads what no relay brought, loaded or served from the log', async () => {
    const { hub, otherProcess, docId, ann: annId, ben: benId } = await setup();
    const ann = new Device(hub, annId);
    ann.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
    await vi.waitFor(() => expect(ann.order).toEqual(['sync']));
    // Nothing written here yet: the room answered from the store and holds no document.
    expect(hub.loadedDocCount).toBe(0);
    const elsewhere = new Y.Doc();
    const one = change(elsewhere, (d) => appendMessage(d, message(benId, 'one')));
    await otherProcess.appendBatch([{ docId, data: one, userId: benId, newClients: [elsewhere.clientID] }]);
    expect(await hub.catchUp()).toEqual({ held: 1, behind: 1 });
    await vi.waitFor(() => expect(ann.texts()).toEqual(['one']));
    await vi.waitFor(() => expect(ann.order).toContain('head 1'));

    // Loaded now: the next lost relay is read after the room's head.
    const two = change(elsewhere, (d) => appendMessage(d, message(benId, 'two')));
    await otherProcess.appendBatch([{ docId, data: two, userId: benId, newClients: [] }]);
    expect(await hub.catchUp()).toEqual({ held: 1, behind: 1 });
    await vi.waitFor(() => expect(ann.texts()).toEqual(['one', 'two']));
    await vi.waitFor(() => expect(ann.order).toContain('head 2'));
    // Nothing missed: nothing read.
    expect(await hub.catchUp()).toEqual({ held: 1, behind: 0 });
  });

  it('re-checks sockets after lost events: an ended membership unsubscribes, an ended session closes', async () => {
    const { hub, docId, ann: annId, ben: benId, conv, db } = await setup();
    const ann = new Device(hub, annId);
    const ben = new Device(hub, benId);
    for (const device of [ann, ben])
      device.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
    await vi.waitFor(() => expect([ann.order, ben.order]).toEqual([['sync'], ['sync']]));
    // Ben removed by another process whose event never came: only the database knows.
    db.prepare('UPDATE memberships SET left_at = 1 WHERE conversation_id = ? AND user_id = ?').run(
      conv,
      benId,
    );
    await hub.recheckSockets((userId) =>
      Promise.resolve(new Set(userId === annId ? [ann.sessionId] : [ben.sessionId])),
    );
    await vi.waitFor(() =>
      expect(ben.frames).toContainEqual({ type: 'denied', docId, reason: 'membership_ended' }),
    );
    expect(ann.frames.some((f) => f.type === 'denied')).toBe(false);
    // Ann signed out elsewhere: her socket here closes.
    await hub.recheckSockets((userId) => Promise.resolve(new Set(userId === benId ? [ben.sessionId] : [])));
    await vi.waitFor(() => expect(ann.closedWith).toBe(CLOSE_CODES.session_revoked.code));
    expect(ben.closedWith).toBeUndefined();
  });
});
