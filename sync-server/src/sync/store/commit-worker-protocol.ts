import type { ListColumns } from './list-columns.ts';
import type { AppendRow, CommitExtras, Snapshot } from './doc-store.ts';

/** What the commit worker is started with. */
export interface CommitWorkerData {
  /** The SQLite file the server's main connection has open (the worker opens its own). */
  file: string;
}

/**
 * A group commit as it crosses to the worker: every byte payload (updates, their ids, snapshots)
 * and, after them, every number of the rows and list columns (Float64) packed into one buffer
 * that is transferred, not copied again; their strings (document, user and conversation ids,
 * previews) each once in `names`, which the numbers point into. A structured clone of one object
 * per row and per list column cost ~2-4 µs each on both threads (docs/benchmarks.md); this is a
 * few typed-array writes. No Uint8Array crosses by itself: a structured clone copies a view's
 * whole ArrayBuffer, and an update id read from a frame is a 16-byte view into the socket's read
 * chunk (up to 64 KiB). The caller's own Uint8Arrays stay intact (the hub still serves
 * uncommitted updates from them).
 */
export interface CommitRequest {
  type: 'commit';
  id: number;
  at: number;
  bytes: ArrayBuffer;
  /** Where the numbers start in `bytes` (8-aligned). */
  numbersAt: number;
  rowCount: number;
  listColumnCount: number;
  names: string[];
  snapshots: (Omit<Snapshot, 'state'> & { offset: number; length: number })[];
}

/**
 * The numbers of one row: its document and user (indices into `names`), its update and id in
 * `bytes` (offset -1: no id), its new segment (conversation index -1: none), then its new client
 * ids, counted.
 */
const ROW_FIXED = 9;
/** The numbers of one list column: conversation, preview, sender (indices into `names`), at, count. */
const LIST_COLUMN = 5;

export type CommitWorkerRequest = CommitRequest | { type: 'close' };

export type CommitReply =
  | { id: number; ok: true; seqs: number[]; listError?: string }
  | { id: number; ok: false; message: string; code?: string };

/** What the worker says: `ready` once its database is open (the store is healthy from then), then one reply per commit. */
export type CommitWorkerMessage = CommitReply | { type: 'ready' };

export function packCommit(
  id: number,
  rows: readonly AppendRow[],
  extras: CommitExtras,
  at: number,
): { request: CommitRequest; transfer: ArrayBuffer[] } {
  const snapshots = extras.snapshots ?? [];
  const listColumns = extras.listColumns ?? [];
  let payload = 0;
  let numbers = listColumns.length * LIST_COLUMN;
  for (const row of rows) {
    payload += row.data.byteLength + (row.updateId?.byteLength ?? 0);
    numbers += ROW_FIXED + row.newClients.length;
  }
  for (const snapshot of snapshots) payload += snapshot.state.byteLength;
  const numbersAt = Math.ceil(payload / 8) * 8;
  const buffer = new ArrayBuffer(numbersAt + numbers * 8);
  const bytes = new Uint8Array(buffer, 0, payload);
  const out = new Float64Array(buffer, numbersAt, numbers);
  let offset = 0;
  let n = 0;
  const place = (data: Uint8Array): number => {
    bytes.set(data, offset);
    offset += data.byteLength;
    return offset - data.byteLength;
  };
  const names: string[] = [];
  const indexOf = new Map<string, number>();
  const name = (value: string): number => {
    let index = indexOf.get(value);
    if (index === undefined) {
      index = names.push(value) - 1;
      indexOf.set(value, index);
    }
    return index;
  };
  for (const row of rows) {
    out[n++] = name(row.docId);
    out[n++] = name(row.userId);
    out[n++] = place(row.data);
    out[n++] = row.data.byteLength;
    out[n++] = row.updateId ? place(row.updateId) : -1;
    out[n++] = row.updateId?.byteLength ?? 0;
    out[n++] = row.segment ? name(row.segment.conversationId) : -1;
    out[n++] = row.segment?.index ?? 0;
    out[n++] = row.newClients.length;
    for (const client of row.newClients) out[n++] = client;
  }
  for (const columns of listColumns) {
    out[n++] = name(columns.conversationId);
    out[n++] = name(columns.preview);
    out[n++] = name(columns.senderId);
    out[n++] = columns.at;
    out[n++] = columns.count;
  }
  const request: CommitRequest = {
    type: 'commit',
    id,
    at,
    bytes: buffer,
    numbersAt,
    rowCount: rows.length,
    listColumnCount: listColumns.length,
    names,
    snapshots: snapshots.map(({ state, ...snapshot }) => ({
      ...snapshot,
      offset: place(state),
      length: state.byteLength,
    })),
  };
  return { request, transfer: [buffer] };
}

export function unpackCommit(request: CommitRequest): { rows: AppendRow[]; extras: CommitExtras } {
  const { bytes, names } = request;
  const view = (offset: number, length: number) => new Uint8Array(bytes, offset, length);
  const numbers = new Float64Array(bytes, request.numbersAt);
  let n = 0;
  const rows: AppendRow[] = [];
  for (let i = 0; i < request.rowCount; i++) {
    const docId = names[numbers[n++]!]!;
    const userId = names[numbers[n++]!]!;
    const data = view(numbers[n++]!, numbers[n++]!);
    const idOffset = numbers[n++]!;
    const idLength = numbers[n++]!;
    const conversation = numbers[n++]!;
    const index = numbers[n++]!;
    const newClients = Array.from(numbers.subarray(n + 1, n + 1 + numbers[n]!));
    n += 1 + newClients.length;
    const row: AppendRow = { docId, data, userId, newClients };
    if (idOffset >= 0) row.updateId = view(idOffset, idLength);
    if (conversation >= 0) row.segment = { conversationId: names[conversation]!, index };
    rows.push(row);
  }
  const listColumns: ListColumns[] = [];
  for (let i = 0; i < request.listColumnCount; i++) {
    listColumns.push({
      conversationId: names[numbers[n++]!]!,
      preview: names[numbers[n++]!]!,
      senderId: names[numbers[n++]!]!,
      at: numbers[n++]!,
      count: numbers[n++]!,
    });
  }
  return {
    rows,
    extras: {
      listColumns,
      snapshots: request.snapshots.map(({ offset, length, ...snapshot }) => ({
        ...snapshot,
        state: view(offset, length),
      })),
    },
  };
}
