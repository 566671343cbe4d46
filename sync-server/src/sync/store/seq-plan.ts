import { createHash } from 'node:crypto';
import { UPDATE_ID_REUSED, type AppendRow, type Snapshot } from './doc-store.ts';

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

/** SEQ3: what the store keeps of an update id: the number its update got, and a digest of its bytes. */
export interface StoredUpdateId {
  seq: number;
  digest: Uint8Array;
}

/** The SHA-256 of an update's bytes: a retry must carry the same bytes as the first copy. */
export function updateDigest(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

/** How a batch looks up its stored update ids (a map key per document and id). */
export function updateIdKey(docId: string, updateId: Uint8Array): string {
  return `${docId}\u0000${Buffer.from(updateId.buffer, updateId.byteOffset, updateId.byteLength).toString('hex')}`;
}

/** The same bytes (digests compared as bytes). */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** SEQ3: a batch split into the rows to store and the retries, answered without storing them. */
export interface RetryPlan {
  /** The rows to store, in batch order. */
  fresh: readonly AppendRow[];
  /** The digest of each fresh row that carries an update id (aligned with `fresh`). */
  digests: readonly (Uint8Array | undefined)[];
  /** Every row's answer, in batch order, once the fresh rows are numbered `freshSeqs`. */
  answer(freshSeqs: readonly number[]): number[];
}

/**
 * SEQ3, the same on both engines: a row whose update id is stored (`stored`, read under the
 * document's head lock) or came earlier in the same batch is a retry, answered with the first
 * copy's number (`UPDATE_ID_REUSED` when its bytes differ); every other row is stored.
 */
export function planRetries(
  rows: readonly AppendRow[],
  stored: ReadonlyMap<string, StoredUpdateId>,
): RetryPlan {
  const fresh: AppendRow[] = [];
  const digests: (Uint8Array | undefined)[] = [];
  const answers: ({ fresh: number } | { seq: number })[] = [];
  const inBatch = new Map<string, { fresh: number; digest: Uint8Array }>();
  for (const row of rows) {
    if (!row.updateId) {
      answers.push({ fresh: fresh.length });
      fresh.push(row);
      digests.push(undefined);
      continue;
    }
    const key = updateIdKey(row.docId, row.updateId);
    const digest = updateDigest(row.data);
    const known = stored.get(key);
    if (known) {
      answers.push({ seq: sameDigest(known.digest, digest) ? known.seq : UPDATE_ID_REUSED });
      continue;
    }
    const earlier = inBatch.get(key);
    if (earlier) {
      answers.push(sameDigest(earlier.digest, digest) ? { fresh: earlier.fresh } : { seq: UPDATE_ID_REUSED });
      continue;
    }
    inBatch.set(key, { fresh: fresh.length, digest });
    answers.push({ fresh: fresh.length });
    fresh.push(row);
    digests.push(digest);
  }
  return {
    fresh,
    digests,
    answer: (freshSeqs) => answers.map((a) => ('seq' in a ? a.seq : (freshSeqs[a.fresh] ?? 0))),
  };
}
