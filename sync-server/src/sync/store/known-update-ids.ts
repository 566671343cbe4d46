/**
 * SEQ3, SEQ4 on SQLite without a database read for most updates: which update ids of a document
 * may be stored, held in memory by a process whose commit worker is the only writer of the
 * file's `doc_update_ids` (SQLite is one server process; PostgreSQL's processes write one table
 * together and keep asking the database). An id it does not hold is certainly not stored, so the
 * store answers 0 without a read; one it holds may be (a retry, or another id with the same
 * prefix) and the database is asked as before. Holding too much is harmless (an extra read), too
 * little never happens: a document's ids are read whole when it is first asked about, together
 * with the ones still committing, and every id handed to the writer afterwards is added.
 * Bounded: a document with more ids than KNOWN_IDS_PER_DOC is left to the database, and the
 * least recently asked documents are dropped past KNOWN_IDS_TOTAL ids (read again when asked).
 */
export const KNOWN_IDS_PER_DOC = 4096;
export const KNOWN_IDS_TOTAL = 131_072;
/** Documents remembered as too large to hold (each then asks the database for every id). */
const TOO_LARGE_REMEMBERED = 4096;

export interface KnownUpdateIdsSource {
  /** Up to `limit` of the document's stored update ids. */
  storedIds(docId: string, limit: number): Iterable<Uint8Array>;
  /** Ids handed to the writer and not known to be committed (absent: the writer is the caller). */
  committing?(docId: string): Iterable<Uint8Array>;
}

export class KnownUpdateIds {
  /** Per document, the 30-bit prefixes of its ids (a Set of small integers: ~20 bytes an id), least recently asked first. */
  private readonly held = new Map<string, Set<number>>();
  private readonly tooLarge = new Set<string>();
  private total = 0;

  constructor(
    private readonly source: KnownUpdateIdsSource,
    private readonly perDoc = KNOWN_IDS_PER_DOC,
    private readonly maxTotal = KNOWN_IDS_TOTAL,
  ) {}

  /** False when no update with this id is stored for the document; true when one may be (ask the database). */
  mayHold(docId: string, updateId: Uint8Array): boolean {
    if (this.tooLarge.has(docId)) return true;
    let ids = this.held.get(docId);
    if (ids) {
      // Least recently asked first: the one asked now moves to the end.
      this.held.delete(docId);
      this.held.set(docId, ids);
    } else {
      ids = this.read(docId);
      if (!ids) return true;
    }
    return ids.has(prefixOf(updateId));
  }

  /** An id handed to the writer (committing, then stored), for a document held. */
  add(docId: string, updateId: Uint8Array): void {
    const ids = this.held.get(docId);
    if (!ids) return;
    const before = ids.size;
    ids.add(prefixOf(updateId));
    this.total += ids.size - before;
    if (ids.size > this.perDoc) this.giveUp(docId, ids);
    else this.trim();
  }

  /** Lets go of what is held of a document (it is read again when next asked about). */
  forget(docId: string): void {
    const ids = this.held.get(docId);
    if (ids) this.total -= ids.size;
    this.held.delete(docId);
    this.tooLarge.delete(docId);
  }

  /** How many ids are held (tests). */
  get size(): number {
    return this.total;
  }

  private read(docId: string): Set<number> | undefined {
    const ids = new Set<number>();
    for (const id of this.source.storedIds(docId, this.perDoc + 1)) ids.add(prefixOf(id));
    for (const id of this.source.committing?.(docId) ?? []) ids.add(prefixOf(id));
    this.held.set(docId, ids);
    this.total += ids.size;
    if (ids.size > this.perDoc) {
      this.giveUp(docId, ids);
      return undefined;
    }
    this.trim();
    return this.held.get(docId);
  }

  private giveUp(docId: string, ids: Set<number>): void {
    this.held.delete(docId);
    this.total -= ids.size;
    this.tooLarge.add(docId);
    if (this.tooLarge.size > TOO_LARGE_REMEMBERED) {
      const oldest = this.tooLarge.values().next().value;
      if (oldest !== undefined) this.tooLarge.delete(oldest);
    }
  }

  /** Drops the least recently asked documents until the ids held fit (the newest is kept). */
  private trim(): void {
    while (this.total > this.maxTotal && this.held.size > 1) {
      const [docId, ids] = this.held.entries().next().value as [string, Set<number>];
      this.held.delete(docId);
      this.total -= ids.size;
    }
  }
}

/** The first 30 bits of an id: a small integer (a Smi in V8), random enough to tell ids apart. */
function prefixOf(id: Uint8Array): number {
  return ((id[0] ?? 0) | ((id[1] ?? 0) << 8) | ((id[2] ?? 0) << 16) | (((id[3] ?? 0) & 0x3f) << 24)) >>> 0;
}
