import type { FtsIndex } from './fts-index.ts';
import type { FoundMessage, IndexInput, IndexProgress } from './protocol.ts';
import { segmentMessages } from './segment-messages.ts';
import { listSegments, openExisting, readUpdates } from './stored-docs.ts';

export interface EngineOptions {
  index: FtsIndex;
  /** The sync client's document database (read-only). */
  syncDbName: string;
  onProgress?: (progress: IndexProgress) => void;
}

/**
 * The search worker's work (unit-tested in Node: SQLite in memory, fake-indexeddb): keeps the index
 * current from two sources. At start it reads every stored segment document whose stored rows
 * changed since it last read it (all of them on the first run), so the index covers every
 * message on the device, not only those the session saw arrive. While the app runs, the session
 * hands it each new, edited and deleted message. Changes handed over while the stored documents
 * are being read are applied again after, since a document read from storage may lag behind
 * what the page holds in memory. SQLite answers synchronously, so the worker runs one thing at
 * a time; the catch-up yields between documents (reading IndexedDB), where changes and searches
 * are handled.
 */
export class SearchEngine {
  private readonly index: FtsIndex;
  private catchingUp = false;
  private replay: { put: IndexInput[]; removed: string[] }[] = [];
  private closed = false;
  readonly caughtUp: Promise<void>;

  constructor(private readonly options: EngineOptions) {
    this.index = options.index;
    this.caughtUp = this.catchUp().catch((error: unknown) => console.warn('search index', error));
  }

  /** Reads the stored segments that changed since they were last read, one transaction each. */
  private async catchUp(): Promise<void> {
    // From the start: a change handed over while the database opens is older than nothing read yet.
    this.catchingUp = true;
    const sync = await openExisting(this.options.syncDbName).catch(() => null);
    if (!sync) {
      this.catchingUp = false;
      this.replay = [];
      return;
    }
    try {
      const stored = await listSegments(sync);
      const known = this.index.fingerprints();
      const changed = stored.filter((s) => known.get(s.docId) !== s.fingerprint);
      // Newest segments first: what a person searches for first is usually recent.
      changed.sort((a, b) => b.segment - a.segment);
      const progress = { done: 0, total: changed.length };
      this.options.onProgress?.(progress);
      for (const s of changed) {
        if (this.closed) return;
        const messages = segmentMessages(await readUpdates(sync, s.docId), s.conversationId, s.segment);
        if (this.closed) return;
        this.index.replaceSegment(s.conversationId, s.segment, messages, s);
        progress.done++;
        this.options.onProgress?.({ ...progress });
      }
    } finally {
      sync.close();
      this.catchingUp = false;
      const again = this.replay.splice(0);
      if (!this.closed) for (const change of again) this.apply(change.put, change.removed);
    }
  }

  /** A change the page saw (messages added, edited, deleted): applied at once, in order. */
  change(put: IndexInput[], removed: string[]): void {
    if (this.catchingUp) this.replay.push({ put, removed });
    this.apply(put, removed);
  }

  private apply(put: IndexInput[], removed: string[]): void {
    if (this.closed) return;
    const gone = new Set(removed);
    this.index.remove(removed);
    this.index.put(put.filter((m) => !gone.has(m.id)));
  }

  /**
   * Answers at once, between two documents of the catch-up (each is its own transaction), so a
   * search never waits for the first reading to end; it finds what is indexed so far.
   */
  search(query: string, limit: number, before?: number): FoundMessage[] {
    return this.closed ? [] : this.index.search(query, limit, before);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.index.close();
  }
}
