import * as Y from 'yjs';
import type { Logger } from '../../logger.ts';
import type { Snapshot } from '../store/doc-store.ts';
import type { CommitQueue } from './commit-queue.ts';
import type { LiveDoc } from './live-doc.ts';

/**
 * CP1: a snapshot of the loaded document (fast to load, docs/workloads.md) replaces the log it covers:
 * past `compactAfter` entries (after the commit's acks went out) and when a document goes idle.
 * The snapshot is written by the next group commit, in its transaction (no fsync of its own).
 */
export class Compaction {
  /** Documents with a compaction scheduled or queued (one at a time each). */
  private readonly compacting = new Set<string>();

  constructor(
    private readonly commits: CommitQueue,
    private readonly logger: Logger,
    private readonly compactAfter: number,
  ) {}

  /** After a commit: compacts soon if the log has grown past the bound and the document is still `current()`. */
  afterCommit(live: LiveDoc, current: () => boolean): void {
    if (live.head - live.snapshotSeq < this.compactAfter || this.compacting.has(live.docId)) return;
    this.compacting.add(live.docId);
    // Off the hot path: after the acks of this commit have gone out.
    setTimeout(() => {
      this.compacting.delete(live.docId);
      if (current()) this.compact(live, current);
    }, 0).unref();
  }

  /**
   * Queues the snapshot for the next group commit. With nothing pending the document is what
   * the store holds and is encoded now (it may leave memory next); otherwise it is encoded when
   * the batch is cut, if the document is still `current()` and that batch stores all its pending
   * updates (the snapshot then covers exactly what commits with it, through the numbers the store
   * gives them, and is not written if another process's update came between: `withRows`; a
   * failed batch evicts the document and takes no snapshot).
   */
  compact(live: LiveDoc, current: () => boolean): void {
    const { docId } = live;
    if ((live.head <= live.snapshotSeq && live.pending === 0) || this.compacting.has(docId)) return;
    this.compacting.add(docId);
    const encode = () => ({
      docId,
      throughSeq: live.head,
      state: Y.encodeStateAsUpdate(live.doc),
      withRows: live.pending > 0,
    });
    const now = live.pending === 0 ? encode() : undefined;
    let taken: Snapshot | undefined;
    this.commits.enqueue({
      snapshot: {
        docId,
        take: () => {
          taken = now ?? (current() ? encode() : undefined);
          return taken;
        },
      },
      onCommitted: () => {
        this.compacting.delete(docId);
        // With rows, the head their commits (just before) moved to; an estimate only if another
        // process's update kept it from being written: the next compaction then comes later.
        if (taken)
          live.snapshotSeq = Math.max(live.snapshotSeq, taken.withRows ? live.head : taken.throughSeq);
      },
      onFailed: (err) => {
        this.compacting.delete(docId);
        this.logger.error('compaction failed; the log stays', { docId, err });
      },
    });
  }
}
