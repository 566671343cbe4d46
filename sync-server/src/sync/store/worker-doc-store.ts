import type { Worker } from 'node:worker_threads';
import type { CommitsCheck } from '@messenjo/shared';
import type { Db } from '../../db/index.ts';
import type { Logger } from '../../logger.ts';
import {
  packCommit,
  type CommitWorkerData,
  type CommitWorkerMessage,
  type CommitWorkerRequest,
} from './commit-worker-protocol.ts';
import type { AppendRow, CommitExtras, DocStore, LogPage, StoredDoc, StoredUpdate } from './doc-store.ts';
import { KnownUpdateIds } from './known-update-ids.ts';
import { spawnCommitWorker } from './spawn-commit-worker.ts';
import { SqliteDocStore } from './sqlite-doc-store.ts';

export interface WorkerDocStoreOptions {
  /** The database file `db` has open; the worker opens its own connection to it. */
  file: string;
  logger: Logger;
  now?: () => number;
  /** Starts the worker thread (tests wrap it to crash one). */
  spawn?: (data: CommitWorkerData) => Worker;
}

/**
 * A worker that ends before it has opened its database is started again only after this long
 * (one that cannot open the file would otherwise be restarted in a tight loop); one that ran is
 * replaced at once.
 */
export const COMMIT_WORKER_RESTART_DELAY_MS = 1000;
/** After a commit the worker refused, how long until it is probed with an empty write transaction. */
export const COMMIT_PROBE_DELAY_MS = 1000;
/** A commit unanswered for this long makes the store `stalled` (a commit takes milliseconds). */
export const COMMIT_STALLED_AFTER_MS = 5000;

interface Waiter {
  resolve: (seqs: number[]) => void;
  reject: (error: Error) => void;
  /** What the commit holds, to say what was lost if it never is stored (read only then). */
  rows: readonly AppendRow[];
  snapshots: CommitExtras['snapshots'];
  /** When it was handed to the worker (performance.now()). */
  sentAt: number;
}

/**
 * The server's document store: group commits run on a worker thread with its own connection
 * (commit-worker.ts), so the fsync of `synchronous=FULL` never holds the event loop and relays
 * never wait behind it; reads run on the main thread's connection (WAL: they never wait for the
 * writer) and resolve with what they read at once. The worker runs commits in the order they
 * were handed over and answers each once durable. The server starts it with itself (`start`),
 * so the first device's first message does not wait for the thread to boot; it holds the
 * process open only while a commit is outstanding. If it crashes, every commit it had not
 * answered fails (the hub then closes the sockets of those documents; devices resend what was
 * not acked) and a new thread starts at once. `health` is what /readyz reports of it.
 */
export class WorkerDocStore implements DocStore {
  private readonly reads: SqliteDocStore;
  /** SEQ4: the ids that may be stored, so most updates need no read (this worker is the file's only writer). */
  private readonly knownIds: KnownUpdateIds;
  private readonly now: () => number;
  private worker: Worker | undefined;
  /** The current worker has opened its database. */
  private workerReady = false;
  /** The last commit the worker answered was refused (cleared by the next one it stores). */
  private failing = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Workers that ended (crashed or were terminated) while the store was open. */
  private restarts = 0;
  /** Commits handed over and not answered, oldest first. */
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  /** Shutdown gave up on the worker (`shutdownWithin`): nothing is handed over any more. */
  private abandoned = false;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  /** The worker given up on at shutdown, ending (`close` resolves once it has). */
  private terminating: Promise<void> | undefined;

  constructor(
    db: Db,
    private readonly options: WorkerDocStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.reads = new SqliteDocStore(db, this.now, options.logger);
    this.knownIds = new KnownUpdateIds({
      storedIds: (docId, limit) => this.reads.updateIdsOf(docId, limit),
      committing: (docId) => this.committingIds(docId),
    });
  }

  load(docId: string, page?: LogPage): Promise<StoredDoc> {
    return this.reads.load(docId, page);
  }

  heads(docIds: readonly string[]): Promise<Map<string, number>> {
    return this.reads.heads(docIds);
  }

  logAfter(docId: string, afterSeq: number, page?: LogPage): Promise<StoredUpdate[] | null> {
    return this.reads.logAfter(docId, afterSeq, page);
  }

  logLength(docId: string): Promise<number> {
    return this.reads.logLength(docId);
  }

  updateSeq(docId: string, updateId: Uint8Array, data: Uint8Array): Promise<number> {
    return Promise.resolve(this.updateSeqNow(docId, updateId, data));
  }

  updateSeqNow(docId: string, updateId: Uint8Array, data: Uint8Array): number {
    if (!this.knownIds.mayHold(docId, updateId)) return 0;
    return this.reads.updateSeqNow(docId, updateId, data);
  }

  /** The update ids of a document in commits handed to the worker and not answered. */
  private *committingIds(docId: string): Iterable<Uint8Array> {
    for (const { rows } of this.waiting.values())
      for (const row of rows) if (row.docId === docId && row.updateId) yield row.updateId;
  }

  latestSegments(conversationIds: readonly string[]): Promise<Map<string, number>> {
    return this.reads.latestSegments(conversationIds);
  }

  /** Starts the worker now rather than with the first commit (the server does, as it starts). */
  start(): void {
    if (!this.worker && !this.closing && !this.abandoned) this.spawn();
  }

  /**
   * For /readyz: `ok` once a worker has opened its database and the last commit it answered was
   * stored; `starting` before that, `restarting` after a worker ended, `failing` after it
   * refused a commit, `stalled` while a commit has waited over COMMIT_STALLED_AFTER_MS,
   * `stopped` once shut down.
   */
  health(): CommitsCheck {
    if (this.closing || this.abandoned) return 'stopped';
    if (!this.workerReady) return this.restarts > 0 ? 'restarting' : 'starting';
    const oldest = this.waiting.values().next().value;
    if (oldest && performance.now() - oldest.sentAt > COMMIT_STALLED_AFTER_MS) return 'stalled';
    return this.failing ? 'failing' : 'ok';
  }

  appendBatch(rows: readonly AppendRow[], extras: CommitExtras = {}): Promise<number[]> {
    if (this.abandoned) return Promise.reject(new Error('the commit worker was stopped at shutdown'));
    if (this.closing) return Promise.reject(new Error('the document store is closed'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    const { request, transfer } = packCommit(id, rows, extras, this.now());
    for (const row of rows) if (row.updateId) this.knownIds.add(row.docId, row.updateId);
    return new Promise<number[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, rows, snapshots: extras.snapshots, sentAt: performance.now() });
      if (this.waiting.size === 1) worker.ref();
      this.post(worker, request, transfer);
    });
  }

  async compact(docId: string, throughSeq: number, state: Uint8Array): Promise<void> {
    await this.appendBatch([], { snapshots: [{ docId, throughSeq, state }] });
  }

  /** Lets the worker finish every commit handed over (it runs them in order), then ends it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopTimers();
      const worker = this.worker;
      if (worker) {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.ref();
        this.post(worker, { type: 'close' });
        await exited;
      }
      await this.terminating;
      clearTimeout(this.deadline);
    })();
    return this.closing;
  }

  /**
   * Shutdown has begun: whatever the worker has not stored `timeoutMs` from now is given up. A
   * worker that hangs would otherwise hold the process forever (the hub's last flush and
   * `close` both wait for it). The worker is terminated, every commit it had not answered fails
   * (never acked: devices resend them to the next server) and what was lost is logged as an error.
   */
  shutdownWithin(timeoutMs: number): void {
    if (this.deadline || this.abandoned) return;
    this.deadline = setTimeout(() => void this.abandon(timeoutMs), timeoutMs);
    this.deadline.unref();
  }

  private async abandon(timeoutMs: number): Promise<void> {
    this.abandoned = true;
    this.stopTimers();
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const lost = [...this.waiting.values()];
    this.waiting.clear();
    if (lost.length === 0) {
      // Every commit was answered; only its ending (closing the connection) ran late.
      this.options.logger.warn('the commit worker did not end in time at shutdown; stopped, nothing lost', {
        timeoutMs,
      });
    } else {
      this.options.logger.error(
        'the commit worker did not finish in time at shutdown; stopped, its commits are lost',
        {
          timeoutMs,
          lostCommits: lost.length,
          lostRows: lost.reduce((sum, waiter) => sum + waiter.rows.length, 0),
          docIds: [
            ...new Set(
              lost.flatMap((waiter) => [...waiter.rows, ...(waiter.snapshots ?? [])].map((r) => r.docId)),
            ),
          ],
        },
      );
    }
    const error = new Error('the commit worker was stopped at shutdown before storing this commit');
    this.terminating = worker.terminate().then(() => {});
    for (const waiter of lost) waiter.reject(error);
    await this.terminating;
  }

  private post(worker: Worker, message: CommitWorkerRequest, transfer: ArrayBuffer[] = []): void {
    worker.postMessage(message, transfer);
  }

  private spawn(): Worker {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = (this.options.spawn ?? spawnCommitWorker)({ file: this.options.file });
    worker.unref();
    worker.on('message', (message: CommitWorkerMessage) => this.heard(worker, message));
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`the commit worker exited with code ${code}`)));
    this.worker = worker;
    this.workerReady = false;
    return worker;
  }

  private heard(worker: Worker, message: CommitWorkerMessage): void {
    if (this.worker !== worker) return;
    if ('type' in message) {
      this.workerReady = true;
      return;
    }
    const waiter = this.waiting.get(message.id);
    if (!waiter) return;
    this.waiting.delete(message.id);
    if (this.waiting.size === 0) worker.unref();
    this.failing = !message.ok;
    if (!message.ok) {
      this.probeSoon();
      return waiter.reject(Object.assign(new Error(message.message), { code: message.code }));
    }
    // The list's columns must never cost a message its durability: logged, the batch stands.
    if (message.listError !== undefined)
      this.options.logger.error('conversation list not updated', { err: message.listError });
    waiter.resolve(message.seqs);
  }

  /**
   * A refused commit makes the store `failing` until the worker stores one again; with no
   * traffic that would be never (and a load balancer that believes /readyz sends none), so the
   * worker is asked for an empty write transaction until it succeeds.
   */
  private probeSoon(): void {
    if (this.probeTimer) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (!this.failing || this.closing || this.abandoned) return;
      this.appendBatch([]).catch(() => {});
    }, COMMIT_PROBE_DELAY_MS);
    this.probeTimer.unref();
  }

  private stopTimers(): void {
    clearTimeout(this.restartTimer);
    clearTimeout(this.probeTimer);
    this.restartTimer = this.probeTimer = undefined;
  }

  /** The thread ended: every commit it had not answered failed; a new thread starts (soon, if this one never came up). */
  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    const ran = this.workerReady;
    this.worker = undefined;
    this.workerReady = false;
    this.restarts++;
    const failed = [...this.waiting.values()];
    this.waiting.clear();
    if (failed.length > 0 || !this.closing)
      this.options.logger.error('commit worker stopped; its unanswered commits failed', {
        err: error,
        failed: failed.length,
      });
    for (const waiter of failed) waiter.reject(error);
    if (this.closing || this.abandoned) return;
    this.restartTimer = setTimeout(() => this.start(), ran ? 0 : COMMIT_WORKER_RESTART_DELAY_MS);
    this.restartTimer.unref();
  }
}
