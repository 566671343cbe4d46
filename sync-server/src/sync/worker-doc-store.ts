import type { Worker } from 'node:worker_threads';
import type { Db } from '../db/index.ts';
import type { Logger } from '../logger.ts';
import {
  packCommit,
  type CommitReply,
  type CommitWorkerData,
  type CommitWorkerRequest,
} from './commit-worker-protocol.ts';
import type { AppendRow, CommitExtras, DocStore, StoredDoc, StoredUpdate } from './doc-store.ts';
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

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The server's document store: group commits run on a worker thread with its own connection
 * (commit-worker.ts), so the fsync of `synchronous=FULL` never holds the event loop and relays
 * never wait behind it; reads run on the main thread's connection (WAL: they never wait for the
 * writer) and resolve with what they read at once. The worker runs commits in the order they were handed over and answers
 * each once durable. If it crashes, every commit it had not answered fails (the hub then closes
 * the sockets of those documents; devices resend what was not acked) and the next commit starts
 * a new thread. The thread starts with the first write and holds the process open only while a
 * commit is outstanding.
 */
export class WorkerDocStore implements DocStore {
  private readonly reads: SqliteDocStore;
  private readonly now: () => number;
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private closing: Promise<void> | undefined;

  constructor(
    db: Db,
    private readonly options: WorkerDocStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.reads = new SqliteDocStore(db, this.now, options.logger);
  }

  load(docId: string): Promise<StoredDoc> {
    return this.reads.load(docId);
  }

  heads(docIds: readonly string[]): Promise<Map<string, number>> {
    return this.reads.heads(docIds);
  }

  logAfter(docId: string, afterSeq: number): Promise<StoredUpdate[] | null> {
    return this.reads.logAfter(docId, afterSeq);
  }

  logLength(docId: string): Promise<number> {
    return this.reads.logLength(docId);
  }

  latestSegments(conversationIds: readonly string[]): Promise<Map<string, number>> {
    return this.reads.latestSegments(conversationIds);
  }

  appendBatch(rows: readonly AppendRow[], extras: CommitExtras = {}): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the document store is closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const { request, transfer } = packCommit(id, rows, extras, this.now());
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) worker.ref();
      this.post(worker, request, transfer);
    });
  }

  compact(docId: string, throughSeq: number, state: Uint8Array): Promise<void> {
    return this.appendBatch([], { snapshots: [{ docId, throughSeq, state }] });
  }

  /** Lets the worker finish every commit handed over (it runs them in order), then ends it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (!worker) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref();
      this.post(worker, { type: 'close' });
      await exited;
    })();
    return this.closing;
  }

  private post(worker: Worker, message: CommitWorkerRequest, transfer: ArrayBuffer[] = []): void {
    worker.postMessage(message, transfer);
  }

  private start(): Worker {
    const worker = (this.options.spawn ?? spawnCommitWorker)({ file: this.options.file });
    worker.unref();
    worker.on('message', (reply: CommitReply) => this.answered(reply));
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`the commit worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private answered(reply: CommitReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (!reply.ok) return waiter.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    // The list's columns must never cost a message its durability: logged, the batch stands.
    if (reply.listError !== undefined)
      this.options.logger.error('conversation list not updated', { err: reply.listError });
    waiter.resolve();
  }

  /** The thread ended: every commit it had not answered failed; the next commit starts a new thread. */
  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const failed = [...this.waiting.values()];
    this.waiting.clear();
    if (failed.length > 0 || !this.closing)
      this.options.logger.error('commit worker stopped; its unanswered commits failed', {
        err: error,
        failed: failed.length,
      });
    for (const waiter of failed) waiter.reject(error);
  }
}
