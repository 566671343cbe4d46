import type { AppendRow, DocStore } from './doc-store.ts';

export interface CommitEntry {
  /** Absent for an ack-only entry (a repeated update that is already in the document). */
  row?: AppendRow;
  /** Runs inside the batch's transaction (writes that must commit together with the update). */
  inTransaction?: () => void;
  onCommitted: () => void;
  onFailed: (error: unknown) => void;
}

/** Rows per transaction: bounds how long one commit holds the event loop. */
const MAX_ROWS_PER_COMMIT = 2000;
/**
 * Least time between the end of one commit and the start of the next. A commit's fsync holds
 * the event loop (~1 ms here) and relaying waits behind it; under load, committing every turn
 * blocked the loop most of the time (W2 p50 8.6 ms, docs/benchmarks.md). An idle server still
 * commits at once.
 */
export const MIN_COMMIT_INTERVAL_MS = 2;

/**
 * Group commit: updates arriving from any socket within one turn of the event loop are written
 * in one SQLite transaction (synchronous=FULL), and only then acked (`onCommitted`; the hub then
 * sends each document's durable `head`). Relaying does not wait for this queue: the hub relays a
 * validated update before enqueueing it (RL1: Yjs updates are idempotent, and the sender resends
 * whatever was not acked). One fsync for many updates is what makes durable acks cheap
 * (BENCH.md: ~6.8k commits/s vs ~112k rows/s).
 */
export class CommitQueue {
  private entries: CommitEntry[] = [];
  private scheduled = false;
  private lastCommitEnd = -Infinity;

  constructor(
    private readonly store: DocStore,
    private readonly minIntervalMs = MIN_COMMIT_INTERVAL_MS,
    /** Runs after every flush that committed something (the hub writes the acks out at once). */
    private readonly afterFlush: () => void = () => {},
  ) {}

  get size(): number {
    return this.entries.length;
  }

  enqueue(entry: CommitEntry): void {
    this.entries.push(entry);
    if (!this.scheduled) {
      this.scheduled = true;
      const wait = this.lastCommitEnd + this.minIntervalMs - performance.now();
      if (wait <= 0) setImmediate(() => this.flush());
      else setTimeout(() => this.flush(), wait);
    }
  }

  /** Commits everything queued now (also used before serving a live document's state and on shutdown). */
  flush(): void {
    this.scheduled = false;
    if (this.entries.length === 0) return;
    while (this.entries.length > 0) {
      const batch = this.entries.splice(0, MAX_ROWS_PER_COMMIT);
      const rows = batch.flatMap((entry) => (entry.row ? [entry.row] : []));
      try {
        const hooks = batch.flatMap((entry) => (entry.inTransaction ? [entry.inTransaction] : []));
        if (rows.length > 0 || hooks.length > 0) {
          this.store.appendBatch(rows, () => {
            for (const hook of hooks) hook();
          });
        }
      } catch (error) {
        for (const entry of batch) entry.onFailed(error);
        continue;
      }
      for (const entry of batch) entry.onCommitted();
    }
    this.lastCommitEnd = performance.now();
    this.afterFlush();
  }
}
