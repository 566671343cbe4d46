import type { AppendRow, Snapshot } from './doc-store.ts';

/**
 * How a batch takes its sequence numbers, the same on both engines: per document one head row
 * bumped by the document's row count inside the inserting transaction (`doc_heads`, migration
 * 21), the documents in id order (two batches lock their head rows in the same order: no
 * deadlock between processes), then each row numbered in batch order from the new head back.
 */
export interface SeqPlan {
  /** Documents of the batch in id order, with how many rows each appends. */
  readonly counts: readonly (readonly [docId: string, rows: number])[];
  /** Sequence numbers of the rows, in the batch's order, given each document's new head. */
  number(heads: ReadonlyMap<string, number>): { seqs: number[]; ranges: Map<string, SeqRange> };
}

/** The sequence numbers a batch gave one document's rows. */
export interface SeqRange {
  first: number;
  last: number;
}

export function planSeqs(rows: readonly AppendRow[]): SeqPlan {
  const perDoc = new Map<string, number>();
  for (const row of rows) perDoc.set(row.docId, (perDoc.get(row.docId) ?? 0) + 1);
  const counts = [...perDoc].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    counts,
    number(heads) {
      const ranges = new Map<string, SeqRange>();
      for (const [docId, n] of counts) {
        const last = heads.get(docId);
        if (last === undefined) throw new Error(`no head taken for ${docId}`);
        ranges.set(docId, { first: last - n + 1, last });
      }
      const next = new Map([...ranges].map(([docId, range]) => [docId, range.first]));
      const seqs = rows.map((row) => {
        const seq = next.get(row.docId)!;
        next.set(row.docId, seq + 1);
        return seq;
      });
      return { seqs, ranges };
    },
  };
}

/**
 * The sequence number a snapshot covers once the batch's rows are numbered, or undefined when it
 * must not be written. A snapshot taken with the batch's rows of its document in it
 * (`withRows`) covers them only if they follow its `throughSeq` directly: a row another process
 * stored between would be in the log and not in the snapshot, and deleting it would lose it.
 */
export function snapshotThrough(
  snapshot: Snapshot,
  ranges: ReadonlyMap<string, SeqRange>,
): number | undefined {
  const range = ranges.get(snapshot.docId);
  if (!snapshot.withRows || !range) return snapshot.throughSeq;
  return range.first === snapshot.throughSeq + 1 ? range.last : undefined;
}
