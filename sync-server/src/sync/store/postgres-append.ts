import type { SqlValue } from '../../db/index.ts';
import { UPDATE_ID_REUSED, type AppendRow } from './doc-store.ts';
import type { ListColumns } from './list-columns.ts';
import type { SeqRange } from './seq-plan.ts';

/**
 * A batch's writes on PostgreSQL as ONE statement (issue 18: a batch written one statement per
 * row spent its time in round trips, the server process idle 63 % of W3). Every table gets one
 * multi-row write from arrays (`unnest`), chained by data-modifying CTEs:
 *
 * 1. `known`: the rows whose update id is stored (SEQ3) take no number. It reads the statement's
 *    snapshot, not under the head lock: a copy committed by another process meanwhile makes the
 *    `doc_update_ids` insert fail on its primary key (`isUpdateIdRace`), and the caller runs the
 *    statement again, which then sees it.
 * 2. `heads`: one upsert per document bumps `head_seq` by its fresh rows, in id order (the row
 *    locks are taken in one order by every process: no deadlock), and returns the new heads; the
 *    lock is held until the statement commits, so numbers have no gap and no duplicate.
 * 3. `numbered`: each fresh row's number, from its document's new head back, in batch order.
 * 4. The log rows, the update ids, the client bindings (the fresh rows' only) and the newest
 *    segment per conversation are inserted; the conversation list's columns are updated after
 *    the segments (the `segments` read in its WHERE orders the locks: heads, then segments, then
 *    conversations, the same in every process).
 *
 * The result is one row per fresh input row: its number, or the number it was stored as, and
 * whether its bytes are the stored ones. Parameters are PostgreSQL arrays (node-postgres sends
 * them as array literals); `$n` numbering is kept as is by the storage port.
 */
export const APPEND_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bytea[], $5::bytea[])
    WITH ORDINALITY AS r(doc_id, data, user_id, update_id, digest, i)
),
known AS (
  SELECT r.i, u.seq, u.digest = r.digest AS same
  FROM input r JOIN doc_update_ids u ON u.doc_id = r.doc_id AND u.update_id = r.update_id
),
fresh AS (
  SELECT r.*, row_number() OVER (PARTITION BY r.doc_id ORDER BY r.i) AS k
  FROM input r WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.i = r.i)
),
counts AS (SELECT doc_id, count(*) AS n FROM fresh GROUP BY doc_id),
heads AS (
  INSERT INTO doc_heads (doc_id, head_seq) SELECT doc_id, n FROM counts ORDER BY doc_id
  ON CONFLICT (doc_id) DO UPDATE SET head_seq = doc_heads.head_seq + excluded.head_seq
  RETURNING doc_id, head_seq
),
numbered AS (
  SELECT f.i, f.doc_id, f.data, f.user_id, f.update_id, f.digest, h.head_seq - c.n + f.k AS seq
  FROM fresh f JOIN counts c USING (doc_id) JOIN heads h USING (doc_id)
),
log AS (
  INSERT INTO doc_log (doc_id, seq, data, user_id, created_at)
  SELECT doc_id, seq, data, user_id, $6::bigint FROM numbered
),
ids AS (
  INSERT INTO doc_update_ids (doc_id, update_id, seq, digest)
  SELECT doc_id, update_id, seq, digest FROM numbered WHERE update_id IS NOT NULL
),
clients AS (
  INSERT INTO doc_clients (doc_id, client_id, user_id)
  SELECT DISTINCT n.doc_id, b.client_id, n.user_id
  FROM unnest($7::bigint[], $8::bigint[]) AS b(i, client_id) JOIN numbered n ON n.i = b.i
  ON CONFLICT DO NOTHING
),
segments AS (
  INSERT INTO conversation_segments (conversation_id, latest_segment)
  SELECT s.conversation_id, max(s.segment)
  FROM unnest($9::bigint[], $10::text[], $11::bigint[]) AS s(i, conversation_id, segment)
    JOIN numbered n ON n.i = s.i
  GROUP BY s.conversation_id ORDER BY s.conversation_id
  ON CONFLICT (conversation_id) DO UPDATE
    SET latest_segment = GREATEST(conversation_segments.latest_segment, excluded.latest_segment)
  RETURNING conversation_id
),
list AS (
  UPDATE conversations c SET last_message_preview = l.preview, last_message_sender_id = l.sender_id,
    last_message_at = l.at, last_activity_at = l.at, message_count = c.message_count + l.count
  FROM unnest($12::text[], $13::text[], $14::text[], $15::bigint[], $16::bigint[])
    AS l(conversation_id, preview, sender_id, at, count)
  WHERE c.id = l.conversation_id AND (SELECT count(*) FROM segments) >= 0
)
SELECT i, seq, true AS same, true AS stored FROM numbered
UNION ALL SELECT i, seq, same, false AS stored FROM known`;

/** The statement's parameters for the rows to store (`fresh`, with their digests) and the list's columns. */
export function appendParams(
  fresh: readonly AppendRow[],
  digests: readonly (Uint8Array | undefined)[],
  listColumns: readonly ListColumns[],
  at: number,
): SqlValue[] {
  const clientRows: number[] = [];
  const clientIds: number[] = [];
  const segmentRows: number[] = [];
  const segmentConversations: string[] = [];
  const segmentIndexes: number[] = [];
  for (const [index, row] of fresh.entries()) {
    const i = index + 1; // WITH ORDINALITY counts from 1
    for (const client of new Set(row.newClients)) {
      clientRows.push(i);
      clientIds.push(client);
    }
    if (row.segment) {
      segmentRows.push(i);
      segmentConversations.push(row.segment.conversationId);
      segmentIndexes.push(row.segment.index);
    }
  }
  // One row per conversation (an UPDATE … FROM applies one of several), in id order (lock order).
  const list = [...listColumns].sort((a, b) =>
    a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0,
  );
  return [
    fresh.map((row) => row.docId),
    fresh.map((row) => row.data),
    fresh.map((row) => row.userId),
    fresh.map((row) => row.updateId ?? null),
    digests.map((digest) => digest ?? null),
    at,
    clientRows,
    clientIds,
    segmentRows,
    segmentConversations,
    segmentIndexes,
    list.map((row) => row.conversationId),
    list.map((row) => row.preview),
    list.map((row) => row.senderId),
    list.map((row) => row.at),
    list.map((row) => row.count),
  ];
}

/** One row of the statement's answer. */
export interface AppendedRow {
  i: number;
  seq: number;
  same: boolean;
  stored: boolean;
}

/**
 * The answer per fresh row (its new number; a stored copy's number; `UPDATE_ID_REUSED` for a
 * stored copy with other bytes) and the numbers each document's new rows got.
 */
export function readAppended(
  count: number,
  answer: readonly AppendedRow[],
  fresh: readonly AppendRow[],
): { seqs: number[]; ranges: Map<string, SeqRange> } {
  const seqs = new Array<number>(count).fill(0);
  const ranges = new Map<string, SeqRange>();
  for (const row of answer) {
    const index = Number(row.i) - 1;
    const seq = Number(row.seq);
    seqs[index] = row.same ? seq : UPDATE_ID_REUSED;
    if (!row.stored) continue;
    const docId = fresh[index]!.docId;
    const range = ranges.get(docId);
    if (!range) ranges.set(docId, { first: seq, last: seq });
    else ranges.set(docId, { first: Math.min(range.first, seq), last: Math.max(range.last, seq) });
  }
  return { seqs, ranges };
}

/** The primary key of `doc_update_ids`, or of one of its hash partitions (PostgreSQL migration 23). */
const UPDATE_IDS_KEY = /^doc_update_ids(_p\d+)?_pkey$/;

/** SEQ3: another process committed a copy of one of the batch's updates after the statement read the stored ids. */
export function isUpdateIdRace(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === '23505' &&
    'constraint' in error &&
    typeof error.constraint === 'string' &&
    UPDATE_IDS_KEY.test(error.constraint)
  );
}
