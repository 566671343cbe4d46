import type { ListColumns } from './list-columns.ts';
import type { AppendRow, CommitExtras, Snapshot } from './doc-store.ts';

/** What the commit worker is started with. */
export interface CommitWorkerData {
  /** The SQLite file the server's main connection has open (the worker opens its own). */
  file: string;
}

/**
 * A group commit as it crosses to the worker: every byte payload (updates, their ids, snapshots)
 * packed into one buffer that is transferred, not copied again; the rest is small structured data.
 * No Uint8Array crosses by itself: a structured clone copies a view's whole ArrayBuffer, and an
 * update id read from a frame is a 16-byte view into the socket's read chunk (up to 64 KiB).
 * The caller's own Uint8Arrays stay intact (the hub still serves uncommitted updates from them).
 */
export interface CommitRequest {
  type: 'commit';
  id: number;
  at: number;
  bytes: ArrayBuffer;
  /** `id`: where the row's update id (SEQ3) sits in `bytes`, if it has one. */
  rows: (Omit<AppendRow, 'data' | 'updateId'> & { offset: number; length: number; id?: Placed })[];
  snapshots: (Omit<Snapshot, 'state'> & { offset: number; length: number })[];
  listColumns: ListColumns[];
}

/** Where one payload sits in a request's `bytes`. */
interface Placed {
  offset: number;
  length: number;
}

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
  let total = 0;
  for (const row of rows) total += row.data.byteLength + (row.updateId?.byteLength ?? 0);
  for (const snapshot of snapshots) total += snapshot.state.byteLength;
  const bytes = new Uint8Array(total);
  let offset = 0;
  const place = (data: Uint8Array): Placed => {
    bytes.set(data, offset);
    offset += data.byteLength;
    return { offset: offset - data.byteLength, length: data.byteLength };
  };
  const request: CommitRequest = {
    type: 'commit',
    id,
    at,
    bytes: bytes.buffer,
    rows: rows.map(({ data, updateId, ...row }) => ({
      ...row,
      ...place(data),
      ...(updateId ? { id: place(updateId) } : {}),
    })),
    snapshots: snapshots.map(({ state, ...snapshot }) => ({ ...snapshot, ...place(state) })),
    listColumns: [...(extras.listColumns ?? [])],
  };
  return { request, transfer: [bytes.buffer] };
}

export function unpackCommit(request: CommitRequest): { rows: AppendRow[]; extras: CommitExtras } {
  const view = (offset: number, length: number) => new Uint8Array(request.bytes, offset, length);
  return {
    rows: request.rows.map(({ offset, length, id, ...row }) => ({
      ...row,
      data: view(offset, length),
      ...(id ? { updateId: view(id.offset, id.length) } : {}),
    })),
    extras: {
      listColumns: request.listColumns,
      snapshots: request.snapshots.map(({ offset, length, ...snapshot }) => ({
        ...snapshot,
        state: view(offset, length),
      })),
    },
  };
}
