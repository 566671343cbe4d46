import * as Y from 'yjs';
import type { Logger } from '../logger.ts';
import type { CommitQueue } from './commit-queue.ts';
import type { DocStore } from './doc-store.ts';
import type { LiveDoc } from './live-doc.ts';

/**
 * CP1: a snapshot of the loaded document (fast to load, BENCH.md) replaces the log it covers:
 * past `compactAfter` entries (after the commit's acks went out) and when a document goes idle.
 */
export class Compaction {
  private readonly scheduled = new Set<string>();

  constructor(
    private readonly store: DocStore,
    private readonly commits: CommitQueue,
    private readonly logger: Logger,
    private readonly compactAfter: number,
  ) {}

  /** After a commit: compacts soon if the log has grown past the bound and the document is still `current()`. */
  afterCommit(live: LiveDoc, current: () => boolean): void {
    if (live.committedHead - live.snapshotSeq < this.compactAfter || this.scheduled.has(live.docId)) return;
    this.scheduled.add(live.docId);
    // Off the hot path: after the acks of this commit have gone out.
    setTimeout(() => {
      this.scheduled.delete(live.docId);
      if (current()) this.compact(live);
    }, 0).unref();
  }

  /** Writes the snapshot now, once whatever is pending for the document has committed. */
  compact(live: LiveDoc): void {
    if (live.committedHead <= live.snapshotSeq) return;
    if (live.pending > 0) this.commits.flush();
    if (live.pending > 0) return;
    try {
      const through = live.committedHead;
      this.store.compact(live.docId, through, Y.encodeStateAsUpdate(live.doc));
      live.snapshotSeq = through;
    } catch (err) {
      this.logger.error('compaction failed; the log stays', { docId: live.docId, err });
    }
  }
}
