import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { UserStore } from '../../accounts/users.ts';
import { MIGRATIONS, migrate, openDatabase, SqliteDatabase } from '../../db/index.ts';
import { createEventBus } from '../../events/bus.ts';
import { createLogger, type LogFields } from '../../logger.ts';
import { transact } from '../../social/transaction.ts';
import { CommitQueue } from '../engine/commit-queue.ts';
import type { CommitWorkerData } from './commit-worker-protocol.ts';
import { UPDATE_ID_REUSED, type AppendRow } from './doc-store.ts';
import { spawnCommitWorker } from './spawn-commit-worker.ts';
import { WorkerDocStore } from './worker-doc-store.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A migrated database file, the store on it (its worker), and a second connection to check what is durable. */
function setup(spawn: (data: CommitWorkerData) => Worker = spawnCommitWorker) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-worker-store-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const db = openDatabase(file);
  migrate(db, MIGRATIONS);
  const logs: { msg: string; fields: LogFields }[] = [];
  const logger = createLogger('warn', (line) => {
    const { msg, ...fields } = JSON.parse(line) as { msg: string } & LogFields;
    logs.push({ msg, fields });
  });
  const workers: Worker[] = [];
  const store = new WorkerDocStore(db, {
    file,
    logger,
    spawn: (data) => {
      const worker = spawn(data);
      workers.push(worker);
      return worker;
    },
  });
  const check = openDatabase(file);
  const stored = (docId: string) =>
    (
      check.prepare('SELECT seq FROM doc_log WHERE doc_id = ? ORDER BY seq').all(docId) as { seq: number }[]
    ).map((r) => r.seq);
  return { db, check, store, workers, logs, stored };
}

/** A row told apart by its bytes (the store numbers it: 1, 2, … per document). */
const row = (seq: number, docId = 'd'): AppendRow => ({
  docId,
  data: new Uint8Array([seq, seq]),
  userId: 'u',
  newClients: [seq],
});

// A worker started from source compiles its TypeScript first (seconds on a busy machine).
describe('WorkerDocStore', { timeout: 30_000 }, () => {
  it('[UP3] a batch is durable (seen by another connection) when its promise resolves, and the caller keeps its bytes', async () => {
    const { store, stored } = setup();
    const rows = [row(1), row(2)];
    await store.appendBatch(rows);
    expect(stored('d')).toEqual([1, 2]);
    expect((await store.load('d')).clients).toEqual(
      new Map([
        [1, 'u'],
        [2, 'u'],
      ]),
    );
    expect(rows[0]!.data).toEqual(new Uint8Array([1, 1])); // packed for the thread, not detached
    await store.close();
  });

  it('[UP3] a refused batch and a crashed worker fail their entries (never an ack); a new worker takes over', async () => {
    const { check, store, workers, logs, stored } = setup();
    const queue = new CommitQueue(store);
    const outcome = new Map<number, string>();
    const enqueue = (r: AppendRow) =>
      queue.enqueue({
        row: r,
        onCommitted: () => outcome.set(r.data[0]!, 'acked'),
        onFailed: () => outcome.set(r.data[0]!, 'failed'),
      });
    enqueue(row(1));
    await queue.flushed();
    expect(outcome.get(1)).toBe('acked');
    enqueue({ ...row(2), userId: null as unknown as string }); // no author: SQLite refuses the batch
    await queue.flushed();
    expect(outcome.get(2)).toBe('failed');

    // Another connection holds the write lock while the worker is stopped: on a loaded machine the
    // worker could otherwise commit and answer first. Termination is flagged synchronously, so
    // once the lock is released the worker stops before it can answer.
    check.exec('BEGIN IMMEDIATE');
    const crashing = store.appendBatch([row(4)]);
    const stopped = workers[0]!.terminate();
    check.exec('ROLLBACK');
    await stopped;
    await expect(crashing).rejects.toThrow(/commit worker/);
    expect(logs.map((l) => l.msg)).toContain('commit worker stopped; its unanswered commits failed');

    enqueue(row(3));
    await queue.flushed();
    expect(outcome.get(3)).toBe('acked');
    expect(workers).toHaveLength(2);
    expect(stored('d')).toEqual([1, 2]); // numbered after the last stored: the refused and the lost took none
    await store.close();
  });

  it('a main-thread transaction that has read, then writes after the worker committed, still commits (it began IMMEDIATE)', async () => {
    const { db, store, stored } = setup();
    await store.appendBatch([row(1, 'busy')]); // the worker is up
    const database = new SqliteDatabase(db);
    const users = new UserStore(database, Date.now);
    let worker: Promise<number[]> | undefined;
    await transact(
      database,
      createEventBus(() => {}),
      async (tx) => {
        expect(await users.get('u_nobody', tx)).toBeNull(); // a read first
        worker = store.appendBatch([row(2, 'busy')]);
        // Give the worker every chance to commit now: a deferred transaction would then fail its
        // write with SQLITE_BUSY_SNAPSHOT; an immediate one holds the lock and the worker waits.
        const until = performance.now() + 300;
        while (performance.now() < until && stored('busy').length < 2);
        await users.create({ displayName: 'late' }, tx);
      },
    );
    await worker;
    expect(stored('busy')).toEqual([1, 2]);
    expect((db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n).toBe(1);
    await store.close();
  });

  it('[SEQ4] answers for an update id from memory only when it cannot be stored: one committing when first asked, or committed after, is found', async () => {
    const { store } = setup();
    const id = (n: number) => new Uint8Array(16).fill(n);
    const withId = (seq: number, docId: string): AppendRow => ({ ...row(seq, docId), updateId: id(seq) });
    await store.appendBatch([withId(1, 'old')]);
    // First asked while its commit is with the worker: held from the commits in flight.
    const committing = store.appendBatch([withId(2, 'd'), withId(3, 'd')]);
    expect([0, 1]).toContain(store.updateSeqNow('d', id(2), withId(2, 'd').data));
    expect(store.updateSeqNow('d', id(9), withId(9, 'd').data)).toBe(0);
    await committing;
    expect(store.updateSeqNow('d', id(2), withId(2, 'd').data)).toBe(1);
    expect(store.updateSeqNow('d', id(3), withId(2, 'd').data)).toBe(UPDATE_ID_REUSED);
    // Committed after the document was first asked about.
    await store.appendBatch([withId(4, 'd')]);
    expect(await store.updateSeq('d', id(4), withId(4, 'd').data)).toBe(3);
    // Stored before the store started asking.
    expect(store.updateSeqNow('old', id(1), withId(1, 'old').data)).toBe(1);
    expect(store.updateSeqNow('old', id(2), withId(2, 'old').data)).toBe(0);
    await store.close();
  });

  it('[SD1] close lets every batch handed over commit first, then ends the worker', async () => {
    const { store, workers, stored } = setup();
    const commits = [1, 2, 3, 4, 5].map((seq) => store.appendBatch([row(seq, 'e')]));
    await store.close();
    await Promise.all(commits);
    expect(stored('e')).toEqual([1, 2, 3, 4, 5]);
    expect(workers[0]!.threadId).toBe(-1); // ended
    await expect(store.appendBatch([row(6, 'e')])).rejects.toThrow(/closed/);
  });

  it('[SD1] a worker that hangs at shutdown is stopped after the timeout: its commits fail (never acked) and what was lost is logged as an error', async () => {
    // A thread that takes every commit and never answers.
    const hung = () =>
      new Worker("require('node:worker_threads').parentPort.on('message', () => {});", { eval: true });
    const { store, logs, workers } = setup(hung);
    const queue = new CommitQueue(store);
    const outcome: string[] = [];
    queue.enqueue({
      row: row(1, 'lost'),
      onCommitted: () => outcome.push('acked'),
      onFailed: () => outcome.push('failed'),
    });
    await vi.waitFor(() => expect(workers).toHaveLength(1));
    const started = performance.now();
    store.shutdownWithin(300);
    await queue.flushed(); // the shutdown's last flush: it would wait forever without the bound
    await store.close();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcome).toEqual(['failed']);
    expect(workers[0]!.threadId).toBe(-1); // terminated
    const lost = logs.find((l) => l.msg.includes('did not finish in time'));
    expect(lost?.fields).toMatchObject({ level: 'error', lostCommits: 1, lostRows: 1, docIds: ['lost'] });
    expect(store.health()).toBe('stopped');
    await expect(store.appendBatch([row(2, 'lost')])).rejects.toThrow(/stopped at shutdown/);
  });

  it('[SD1] a worker that answered every commit but does not end is stopped after the timeout, logged as a late end with nothing lost', async () => {
    // Answers every commit as stored, then ignores the request to close.
    const slowToEnd = () =>
      new Worker(
        `const { parentPort } = require('node:worker_threads');
         parentPort.on('message', (m) => { if (m.type === 'commit') parentPort.postMessage({ id: m.id, ok: true }); });`,
        { eval: true },
      );
    const { store, logs, workers } = setup(slowToEnd);
    await store.appendBatch([row(1, 'late')]);
    store.shutdownWithin(300);
    await store.close();
    expect(workers[0]!.threadId).toBe(-1);
    expect(logs.filter((l) => l.fields.level === 'error')).toEqual([]);
    expect(logs.find((l) => l.msg.includes('did not end in time'))?.fields).toMatchObject({ level: 'warn' });
  });

  it('[SD1] a worker that finishes within the shutdown timeout stores everything and nothing is logged lost', async () => {
    const { store, logs, stored } = setup();
    const commit = store.appendBatch([row(1, 'kept')]);
    store.shutdownWithin(20_000);
    await store.close();
    await commit;
    expect(stored('kept')).toEqual([1]);
    expect(logs.filter((l) => l.msg.includes('did not finish in time'))).toEqual([]);
  });

  it('is failing after a refused commit and ok again once the worker stores one (probed without traffic)', async () => {
    const { store } = setup();
    store.start();
    await vi.waitFor(() => expect(store.health()).toBe('ok'), { timeout: 20_000 });
    await store.appendBatch([row(1, 'p')]);
    await expect(store.appendBatch([{ ...row(2, 'p'), userId: null as unknown as string }])).rejects.toThrow(
      /NOT NULL|constraint/i,
    );
    expect(store.health()).toBe('failing');
    await vi.waitFor(() => expect(store.health()).toBe('ok'), { timeout: 5_000 });
    await store.close();
  });
});
