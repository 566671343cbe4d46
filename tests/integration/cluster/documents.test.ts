import {
  appendMessage,
  CLOSE_CODES,
  decodeServerFrame,
  encodeAwareness,
  newMessageId,
  readMessages,
  segmentDocId,
  UPDATE_ID_BYTES,
} from '@messenjo/shared';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authedFetch, signIn, signUp, type TestAccount } from '../../harness/accounts.ts';
import { startCluster, type Cluster } from '../../harness/cluster.ts';
import { redisUrl } from '../../harness/databases.ts';
import type { RunningServer } from '../../harness/server.ts';
import { makeFriends, ok } from '../../harness/social.ts';
import { eventually, RawPeer, updateOf } from '../../harness/sync.ts';

/**
 * Issue 18, the documents between processes: three server processes over one PostgreSQL and a
 * Redis of this file's own (stopped and started again by the tests). A device on any process
 * sees what devices on the others write, live; what Redis loses (down, restarted, a publish
 * that never left) the backstop reads from PostgreSQL within its interval.
 */
const BACKSTOP_MS = 1000;
let cluster: Cluster;
let failed = false;
const devices: Device[] = [];
beforeAll(async () => {
  cluster = await startCluster(3, { ownRedis: true, env: { CLUSTER_BACKSTOP_MS: String(BACKSTOP_MS) } });
});
afterEach((context) => {
  if (context.task.result?.state === 'fail') failed = true;
  for (const device of devices.splice(0)) device.peer.close();
});
afterAll(async () => {
  await cluster?.redis?.start(); // a failed test may have left it down
  await cluster?.dispose(failed);
});

/** The three processes the cluster started with (a test may add one of its own after them). */
function processes(): [RunningServer, RunningServer, RunningServer] {
  return cluster.processes.slice(0, 3) as [RunningServer, RunningServer, RunningServer];
}

/** A device on a process: a raw socket following a conversation's first segment into its own Y.Doc. */
interface Device {
  peer: RawPeer;
  doc: Y.Doc;
  texts(): string[];
  /** Writes a message and resolves once the process acknowledged it (committed), with its number. */
  say(text: string): Promise<number>;
}

async function device(
  server: RunningServer,
  account: { cookie: string; userId: string },
  docId: string,
): Promise<Device> {
  const peer = await RawPeer.connect(server.url, account.cookie);
  const doc = new Y.Doc();
  peer.ws.on('message', (data: ArrayBuffer) => {
    const decoded = decodeServerFrame(new Uint8Array(data));
    if (decoded.kind !== 'frame') return;
    const frame = decoded.frame;
    if ((frame.type === 'sync' || frame.type === 'update') && frame.docId === docId)
      Y.applyUpdate(doc, frame.update, 'server');
  });
  peer.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
  await peer.next('sync', (f) => f.docId === docId);
  let ref = 0;
  const made: Device = {
    peer,
    doc,
    texts: () => readMessages(doc).map((m) => m.text),
    async say(text) {
      let update: Uint8Array | undefined;
      const capture = (u: Uint8Array, origin: unknown): void => {
        if (origin !== 'server') update = u;
      };
      doc.on('update', capture);
      appendMessage(doc, { id: newMessageId(), author: account.userId, text, sentAt: Date.now() });
      doc.off('update', capture);
      const sent = ++ref;
      peer.send({ type: 'update', docId, ref: sent, update: update! });
      const { seq } = await peer.next('ack', (f) => f.docId === docId && f.ref === sent);
      return seq;
    },
  };
  devices.push(made);
  return made;
}

/** A group made through the first process: its owner and `size - 1` members, all friends of the owner. */
async function group(size: number) {
  const [a] = processes();
  const people: TestAccount[] = [];
  for (let i = 0; i < size; i++) people.push(await signUp(a.url));
  const [owner, ...members] = people as [TestAccount, ...TestAccount[]];
  for (const member of members) await makeFriends(a.url, owner, member);
  const { id } = await ok<{ id: string }>(
    authedFetch(a.url, owner, '/api/groups', {
      method: 'POST',
      body: JSON.stringify({ name: 'Across', memberIds: members.map((m) => m.userId) }),
    }),
    'create group',
  );
  return { id, docId: segmentDocId(id, 0), owner, members };
}

/** A session of its own for `account` on `server` (another device of the same person). */
async function sessionOn(
  server: RunningServer,
  account: TestAccount,
): Promise<{ cookie: string; userId: string }> {
  return signIn(server.url, account);
}

/** The document's head in PostgreSQL (0 before its first update). */
async function headOf(docId: string): Promise<number> {
  const rows = await query<{ head_seq: string }>('SELECT head_seq FROM doc_heads WHERE doc_id = $1', [docId]);
  return Number(rows[0]?.head_seq ?? 0);
}

/** The sequence numbers of the document's stored log past `after`, in order. */
async function loggedSeqs(docId: string, after: number): Promise<number[]> {
  const rows = await query<{ seq: string }>(
    'SELECT seq FROM doc_log WHERE doc_id = $1 AND seq > $2 ORDER BY seq',
    [docId, after],
  );
  return rows.map((row) => Number(row.seq));
}

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const has = (device: Device, ...texts: string[]): (() => boolean) => {
  return () => texts.every((text) => device.texts().includes(text));
};

describe('documents between processes', () => {
  it('devices on different processes see each other’s messages and typing, live', async () => {
    const [a, b, c] = processes();
    const { docId, id, owner, members } = await group(3);
    const [ben, cat] = members as [TestAccount, TestAccount];
    const onA = await device(a, owner, docId);
    const onB = await device(b, await sessionOn(b, ben), docId);
    const onC = await device(c, await sessionOn(c, cat), docId);

    await onA.say('from A');
    await onB.say('from B');
    await onC.say('from C');
    for (const [where, d] of [
      ['A', onA],
      ['B', onB],
      ['C', onC],
    ] as const)
      await eventually(has(d, 'from A', 'from B', 'from C'), `the device on ${where} has all three messages`);
    // Typing is never stored: it can only have come over Redis.
    onA.peer.send({ type: 'awareness', conversationId: id, payload: encodeAwareness({ typing: true }) });
    for (const d of [onB, onC])
      expect(await d.peer.next('awareness', (f) => f.conversationId === id)).toMatchObject({
        userId: owner.userId,
      });
  });

  it('a process whose publishes are lost still gets its updates to the others within the backstop interval', async () => {
    const [a, b] = processes();
    // A fourth process on another Redis: nothing it publishes reaches the three, nor theirs it.
    const isolated = await cluster.add({ REDIS_URL: redisUrl() });
    const { docId, owner, members } = await group(2);
    const [ben] = members as [TestAccount];
    const onIsolated = await device(isolated, owner, docId);
    const onA = await device(a, await sessionOn(a, ben), docId);
    const onB = await device(b, await sessionOn(b, owner), docId);

    await onIsolated.say('published nowhere');
    await eventually(has(onA, 'published nowhere'), 'the device on A has it');
    await eventually(has(onB, 'published nowhere'), 'the device on B has it');
    await onA.say('and back');
    await eventually(has(onIsolated, 'and back'), 'the device on the isolated process has the answer');
    // The store brought them: each process's backstop says it caught the document up.
    for (const server of [a, b, isolated])
      await server.waitForRecord(
        (r) => r.msg === 'backstop: documents caught up from the store' && Number(r.behind) >= 1,
        'a backstop round that caught up',
      );
    await isolated.stop('SIGTERM');
  });

  it('removing a member while Redis is down stops delivery to her devices on the other processes; a revoked session’s socket closes', async () => {
    const [a, b, c] = processes();
    const { id, docId, owner, members } = await group(3);
    const [mia, nick] = members as [TestAccount, TestAccount];
    const ownerOnA = await device(a, owner, docId);
    const miaOnB = await device(b, await sessionOn(b, mia), docId);
    const miaOnC = await device(c, await sessionOn(c, mia), docId);
    const nickOnB = await device(b, await sessionOn(b, nick), docId);
    const nickSecond = await sessionOn(a, nick);
    const nickOnC = await device(c, nickSecond, docId);

    await cluster.redis!.stop();
    await ok(
      authedFetch(a.url, owner, `/api/groups/${id}/members/${mia.userId}`, { method: 'DELETE' }),
      'remove member',
    );
    await ok(authedFetch(a.url, nickSecond, '/api/auth/sign-out', { method: 'POST' }), 'sign out');
    await ownerOnA.say('after she left');

    // Only the backstop can bring it to B while Redis is down; its round re-reads the
    // memberships first, so Mia's sockets are out before it relays anything.
    await eventually(has(nickOnB, 'after she left'), 'Nick’s device on B has the message');
    for (const miaDevice of [miaOnB, miaOnC]) {
      expect(await miaDevice.peer.next('denied')).toEqual({
        type: 'denied',
        docId,
        reason: 'membership_ended',
      });
      expect(miaDevice.texts()).not.toContain('after she left');
    }
    expect(await nickOnC.peer.waitClosed()).toBe(CLOSE_CODES.session_revoked.code);

    // Redis back: live again.
    await cluster.redis!.start();
    await eventually(
      () => processes().every((p) => p.records().some((r) => r.msg === 'redis connection back')),
      'every process is back on Redis',
    );
    await ownerOnA.say('Redis is back');
    await eventually(has(nickOnB, 'Redis is back'), 'Nick’s device on B has the next message');
    expect(miaOnB.texts()).not.toContain('Redis is back');
  });

  it('a Redis restart mid-stream loses nothing: every device converges', async () => {
    const [a, b, c] = processes();
    const { docId, owner, members } = await group(3);
    const [ben, cat] = members as [TestAccount, TestAccount];
    const writerOnA = await device(a, owner, docId);
    const writerOnB = await device(b, await sessionOn(b, ben), docId);
    const readers = [
      await device(a, await sessionOn(a, cat), docId),
      await device(b, await sessionOn(b, cat), docId),
      await device(c, await sessionOn(c, cat), docId),
    ];
    const PER_WRITER = 30;
    const written = { a: 0, b: 0 };
    const stream = async (writer: Device, name: 'a' | 'b'): Promise<void> => {
      for (let i = 0; i < PER_WRITER; i++) {
        await writer.say(`${name} ${i}`);
        written[name]++;
      }
    };
    const writing = Promise.all([stream(writerOnA, 'a'), stream(writerOnB, 'b')]);
    await eventually(() => written.a >= 5 && written.b >= 5, 'both writers under way');
    await cluster.redis!.stop();
    const atStop = { ...written };
    await eventually(
      () => written.a >= atStop.a + 5 && written.b >= atStop.b + 5,
      'both writers went on while Redis was down',
    );
    await cluster.redis!.start();
    await writing;

    const all = [...Array(PER_WRITER).keys()].flatMap((i) => [`a ${i}`, `b ${i}`]);
    for (const [i, reader] of readers.entries())
      await eventually(has(reader, ...all), `reader ${i} has all ${all.length} messages`);
    for (const writer of [writerOnA, writerOnB])
      await eventually(has(writer, ...all), 'each writer has them all');
    // Each once: what the backstop read and what Redis relayed are one update, applied once.
    expect(readers[2]!.texts().filter((text) => /^[ab] \d+$/.test(text))).toHaveLength(all.length);
  });

  it('[SEQ2] [SEQ3] three processes writing to one conversation at once number its updates without a gap or a duplicate; a retry sent to two processes is stored once', async () => {
    const [a, b, c] = processes();
    const { docId, owner, members } = await group(3);
    const [ben, cat] = members as [TestAccount, TestAccount];
    const writers = [
      await device(a, owner, docId),
      await device(b, await sessionOn(b, ben), docId),
      await device(c, await sessionOn(c, cat), docId),
    ];
    const before = await headOf(docId);
    // Each writer sends its updates without waiting for the acks between: the three processes
    // commit into the one document at the same time.
    const PER_WRITER = 15;
    const acked = (
      await Promise.all(
        writers.map((writer, w) =>
          Promise.all([...Array(PER_WRITER).keys()].map((i) => writer.say(`writer ${w} update ${i}`))),
        ),
      )
    ).flat();
    const total = writers.length * PER_WRITER;
    const expected = [...Array(total).keys()].map((i) => before + 1 + i);
    expect([...acked].sort((x, y) => x - y)).toEqual(expected);
    expect(await loggedSeqs(docId, before)).toEqual(expected);
    expect(await headOf(docId)).toBe(before + total);
    const texts = writers.flatMap((_, w) =>
      [...Array(PER_WRITER).keys()].map((i) => `writer ${w} update ${i}`),
    );
    for (const [w, writer] of writers.entries())
      await eventually(has(writer, ...texts), `writer ${w} has all ${total} updates`);

    // One update with one id, sent by the owner's devices on A and on C at once (an ack lost, the
    // outbox sent again through another process): stored once, both acked with its number.
    const onC = await device(c, await sessionOn(c, owner), docId);
    const update = updateOf(writers[0]!.doc, (doc) =>
      appendMessage(doc, {
        id: newMessageId(),
        author: owner.userId,
        text: 'sent twice',
        sentAt: Date.now(),
      }),
    );
    // The second device holds the update it sends, as a device resending its outbox does: the
    // server relays an update to every socket but its sender's, so a device that never applied
    // it would see it only when the other process's copy reached C first (this race's coin flip).
    Y.applyUpdate(onC.doc, update);
    const updateId = randomBytes(UPDATE_ID_BYTES);
    writers[0]!.peer.send({ type: 'update', docId, ref: 1000, update, updateId });
    onC.peer.send({ type: 'update', docId, ref: 1000, update, updateId });
    const [onA, again] = await Promise.all([
      writers[0]!.peer.next('ack', (f) => f.docId === docId && f.ref === 1000),
      onC.peer.next('ack', (f) => f.docId === docId && f.ref === 1000),
    ]);
    expect(onA.seq).toBe(before + total + 1);
    expect(again.seq).toBe(onA.seq);
    expect(await loggedSeqs(docId, before)).toEqual([...expected, onA.seq]);
    // And later through the third process, where it arrived already: the same number, nothing stored.
    const onB = await device(b, await sessionOn(b, owner), docId);
    onB.peer.send({ type: 'update', docId, ref: 7, update, updateId });
    expect(await onB.peer.next('ack', (f) => f.docId === docId && f.ref === 7)).toMatchObject({
      seq: onA.seq,
    });
    expect(await headOf(docId)).toBe(onA.seq);
    for (const [i, d] of [...writers, onC, onB].entries())
      await eventually(
        () => d.texts().filter((t) => t === 'sent twice').length === 1,
        `device ${i} shows it once`,
      );
  });

  it('[SEQ4] an update id stored through one process, reused with other bytes on another, is refused there before any device gets it', async () => {
    const [a, b, c] = processes();
    const { docId, owner, members } = await group(2);
    const [ben] = members as [TestAccount];
    const onA = await device(a, owner, docId);
    // Watched on the process that refuses it (its sockets would have it first) and on another.
    const watchers = [
      await device(b, await sessionOn(b, ben), docId),
      await device(c, await sessionOn(c, ben), docId),
    ];
    const reuser = await device(b, await sessionOn(b, owner), docId);
    const updateId = randomBytes(UPDATE_ID_BYTES);
    const message = (text: string) => ({
      id: newMessageId(),
      author: owner.userId,
      text,
      sentAt: Date.now(),
    });
    const first = updateOf(onA.doc, (doc) => appendMessage(doc, message('stored once')));
    onA.peer.send({ type: 'update', docId, ref: 500, update: first, updateId });
    await onA.peer.next('ack', (f) => f.docId === docId && f.ref === 500);
    await eventually(has(reuser, 'stored once'), 'the device on B has the first update');
    const ghost = updateOf(reuser.doc, (doc) => appendMessage(doc, message('never stored')));
    reuser.peer.send({ type: 'update', docId, ref: 501, update: ghost, updateId });
    const code = CLOSE_CODES.update_id_reused.code;
    expect(await reuser.peer.next('rejected')).toMatchObject({ docId, ref: 501, code });
    expect(await reuser.peer.waitClosed()).toBe(code);
    // Had B relayed it, A's next update would reach the watchers after it.
    await onA.say('after the reuse');
    for (const d of [onA, ...watchers]) {
      await eventually(has(d, 'stored once', 'after the reuse'), 'the good updates');
      expect(d.texts()).not.toContain('never stored');
    }
    const fresh = await device(b, await sessionOn(b, ben), docId);
    expect(fresh.texts()).toEqual(expect.arrayContaining(['stored once', 'after the reuse']));
    expect(fresh.texts()).not.toContain('never stored');
    const stored = await query<{ data: Buffer }>('SELECT data FROM doc_log WHERE doc_id = $1', [docId]);
    expect(stored.some((row) => row.data.includes(Buffer.from('never stored')))).toBe(false);
  });

  it('an acked message survives kill -9 of the process that acked it and reaches the others', async () => {
    const [a, b, c] = processes();
    const { docId, owner, members } = await group(2);
    const [ben] = members as [TestAccount];
    const onB = await device(b, await sessionOn(b, ben), docId);
    const onC = await device(c, await sessionOn(c, owner), docId);
    const onA = await device(a, owner, docId);

    await onA.say('acked, then the process died');
    await a.stop('SIGKILL');
    await eventually(has(onB, 'acked, then the process died'), 'the device on B has it');
    await eventually(has(onC, 'acked, then the process died'), 'the device on C has it');
    // And a device that comes later reads it from PostgreSQL.
    const late = await device(c, await sessionOn(c, ben), docId);
    expect(late.texts()).toContain('acked, then the process died');
  });
});
