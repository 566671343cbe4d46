import { mergeListColumns, type ListColumns } from '../store/list-columns.ts';
import type { AppendRow, DocStore, Snapshot } from '../store/doc-store.ts';

export interface CommitEntry {
  /** Absent for an ack-only entry (a repeated update that is already in the document). */
  row?: AppendRow;
  /**
   * An ack-only entry's document: the entry fails with the document's rows ahead of it when
   * their commit fails (its update may be one of them, never stored).
   */
  docId?: string;
  /**
   * The conversation list's columns for the row's `count` messages, written in the same
   * transaction. `columns` runs on this thread when the batch is cut (then the document holds
   * exactly what this and earlier batches store), once per document with the batch's count:
   * every entry of a document would name the same newest message.
   */
  listColumns?: { count: number; columns: (count: number) => ListColumns | undefined };
  /**
   * A compaction of `docId` to write in the same transaction: `take` runs when the batch is cut,
   * and only if the batch holds every uncommitted row of the document (a snapshot must never
   * cover an update that could still fail); otherwise it is skipped.
   */
  snapshot?: { docId: string; take: () => Snapshot | undefined };
  /** The entry's row is stored as `seq`, the number the store gave it (0 for an entry without a row). */
  onCommitted: (seq: number) => void;
  onFailed: (error: unknown) => void;
}

export interface CommitQueueOptions {
  /** Least time between the end of one commit and the start of the next (default MIN_COMMIT_INTERVAL_MS). */
  minIntervalMs?: number;
  /** Runs after every batch that settled (the hub writes the acks out at once). */
  afterFlush?: () => void;
  /** Runs once per conversation whose list columns a batch committed, with those columns. */
  listCommitted?: (columns: ListColumns) => void;
}

/** Rows per transaction: bounds how long one commit holds SQLite's write lock. */
const MAX_ROWS_PER_COMMIT = 2000;
/**
 * With the worker idle, this many collected entries are handed over at once, in the middle of
 * the event loop's turn, rather than after it has read every frame of a burst: the worker then
 * commits them while the loop validates the rest (W3's main thread and worker alternated).
 */
const EAGER_BATCH_ENTRIES = 8;
/**
 * Least time between the end of one commit and the start of the next, under load (an idle
 * queue commits within the turn). Commits no longer hold the event loop (they run on the
 * store's worker thread), so this only trades ack latency for larger batches: fewer commits,
 * fewer `head` frames, less CPU per update. Measured against 0 (docs/benchmarks.md): W3 durable
 * acks/s 1.25–2× and ~10 % less server CPU per update with 2 ms; W2 relays do not wait for it.
 */
export const MIN_COMMIT_INTERVAL_MS = 2;

/**
 * Group commit, pipelined: while one batch commits (on the store's worker thread), the updates
 * arriving from any socket collect into the next, which is handed over as soon as the first is
 * durable; an idle queue commits within the turn, or at once from the EAGER_BATCH_ENTRIES-th
 * entry of a burst. Entries are acked only once their batch
 * committed (`onCommitted`, in order: batches commit one after another, so acks per document
 * keep their order; the room then announces each document's durable `head`). Relaying does not
 * wait for this queue: the room relays a validated update before enqueueing it (RL1: Yjs updates are
 * idempotent, and the sender resends whatever was not acked). One fsync for many updates is
 * what makes durable acks cheap (docs/workloads.md: ~6.8k commits/s vs ~112k rows/s).
 */
export class CommitQueue {
  private collecting: CommitEntry[] = [];
  private committing = false;
  private scheduled = false;
  private lastCommitEnd = -Infinity;
  /** Rows applied in memory and not yet known committed, per document, in sequence order. */
  private readonly uncommittedRows = new Map<string, AppendRow[]>();
  /** Who waits for a document to have no uncommitted row (`settled`). */
  private readonly settleWaiters = new Map<string, (() => void)[]>();
  private readonly minIntervalMs: number;

  constructor(
    private readonly store: DocStore,
    private readonly options: CommitQueueOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? MIN_COMMIT_INTERVAL_MS;
  }

  enqueue(entry: CommitEntry): void {
    this.collecting.push(entry);
    if (entry.row) {
      const rows = this.uncommittedRows.get(entry.row.docId);
      if (rows) rows.push(entry.row);
      else this.uncommittedRows.set(entry.row.docId, [entry.row]);
    }
    if (
      this.collecting.length >= EAGER_BATCH_ENTRIES &&
      !this.committing &&
      performance.now() >= this.lastCommitEnd + this.minIntervalMs
    )
      return this.cut();
    this.schedule();
  }

  /**
   * A document's rows that are applied in memory but not known to be committed (collecting or
   * committing), in the order they were applied (the store numbers them when it commits): a
   * catch-up serves them with what the store holds (they were relayed before the device
   * subscribed).
   */
  uncommitted(docId: string): readonly AppendRow[] {
    return this.uncommittedRows.get(docId) ?? [];
  }

  /**
   * Resolves once none of the document's rows is in flight (each committed or failed): a room
   * reads the document from the store only then, so the document it loads holds every update
   * it had applied and none is counted twice in its pending rows.
   */
  settled(docId: string): Promise<void> {
    if (!this.uncommittedRows.has(docId)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.settleWaiters.get(docId);
      if (waiters) waiters.push(resolve);
      else this.settleWaiters.set(docId, [resolve]);
    });
  }

  /** Resolves once everything enqueued so far has committed or failed (shutdown). */
  flushed(): Promise<void> {
    return new Promise((resolve) =>
      this.enqueue({ onCommitted: () => resolve(), onFailed: () => resolve() }),
    );
  }

  private schedule(): void {
    // A batch in flight hands over the next one when it is done.
    if (this.scheduled || this.committing) return;
    this.scheduled = true;
    const wait = this.lastCommitEnd + this.minIntervalMs - performance.now();
    if (wait <= 0) setImmediate(() => this.cut());
    else setTimeout(() => this.cut(), wait);
  }

  /** Cuts the collected entries into a batch and hands it to the store. */
  private cut(): void {
    this.scheduled = false;
    if (this.committing || this.collecting.length === 0) return;
    const batch = this.collecting.splice(0, MAX_ROWS_PER_COMMIT);
    this.committing = true;
    void this.commit(batch).finally(() => {
      this.committing = false;
      this.lastCommitEnd = performance.now();
      if (this.collecting.length > 0) this.schedule();
    });
  }

  private async commit(batch: CommitEntry[]): Promise<void> {
    let listColumns: ListColumns[] = [];
    let seqs: number[] = [];
    try {
      const rows = batch.flatMap((entry) => (entry.row ? [entry.row] : []));
      listColumns = this.listColumnsOf(batch);
      const snapshots = batch.flatMap(({ snapshot }) =>
        snapshot && this.allInBatch(snapshot.docId, batch) ? (snapshot.take() ?? []) : [],
      );
      if (rows.length > 0 || listColumns.length > 0 || snapshots.length > 0)
        seqs = await this.store.appendBatch(rows, { listColumns, snapshots });
    } catch (error) {
      const failed = [...batch, ...this.behindFailed(batch)];
      this.forget(failed);
      for (const entry of failed) entry.onFailed(error);
      this.options.afterFlush?.();
      return;
    }
    this.forget(batch);
    let next = 0;
    for (const entry of batch) entry.onCommitted(entry.row ? (seqs[next++] ?? 0) : 0);
    for (const columns of listColumns) this.options.listCommitted?.(columns);
    this.options.afterFlush?.();
  }

  private listColumnsOf(batch: CommitEntry[]): ListColumns[] {
    const perDoc = new Map<string, NonNullable<CommitEntry['listColumns']>>();
    for (const { row, listColumns } of batch) {
      if (!row || !listColumns) continue;
      const count = (perDoc.get(row.docId)?.count ?? 0) + listColumns.count;
      perDoc.set(row.docId, { count, columns: listColumns.columns });
    }
    // Two segments of one conversation in a batch (a roll-over) make one row.
    return mergeListColumns([...perDoc.values()].flatMap(({ count, columns }) => columns(count) ?? []));
  }

  /** Whether none of the document's uncommitted rows stays behind in the queue when this batch commits. */
  private allInBatch(docId: string, batch: CommitEntry[]): boolean {
    const waiting = this.uncommittedRows.get(docId)?.length ?? 0;
    return batch.filter((entry) => entry.row?.docId === docId).length === waiting;
  }

  /**
   * A failed batch takes with it the entries still collecting for its documents: their updates
   * may build on the failed ones, so storing them would store what cannot be applied without
   * what was lost, and acking them (or announcing their head) would
   * tell devices that updates are durable when an update they depend on never was. Their
   * senders' sockets are closed with the document's; devices resend whatever was not acked.
   */
  private behindFailed(batch: CommitEntry[]): CommitEntry[] {
    const docs = new Set(batch.flatMap(({ row }) => (row ? [row.docId] : [])));
    if (docs.size === 0) return [];
    const failing = (entry: CommitEntry): boolean => {
      const docId = entry.row?.docId ?? entry.docId;
      return docId !== undefined && docs.has(docId);
    };
    const behind = this.collecting.filter(failing);
    if (behind.length > 0) this.collecting = this.collecting.filter((entry) => !failing(entry));
    return behind;
  }

  /** The entries' rows are no longer uncommitted (stored, or failed and forgotten with their document). */
  private forget(entries: CommitEntry[]): void {
    const counts = new Map<string, number>();
    for (const { row } of entries) if (row) counts.set(row.docId, (counts.get(row.docId) ?? 0) + 1);
    // Batches settle in the order they were cut (and what a failure takes from behind its batch
    // comes next): their rows are the oldest of each document.
    for (const [docId, count] of counts) {
      const rows = this.uncommittedRows.get(docId);
      if (!rows) continue;
      rows.splice(0, count);
      if (rows.length > 0) continue;
      this.uncommittedRows.delete(docId);
      for (const resolve of this.settleWaiters.get(docId) ?? []) resolve();
      this.settleWaiters.delete(docId);
    }
  }
}
