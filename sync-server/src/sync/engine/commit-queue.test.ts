import { describe, expect, it } from 'vitest';
import type { ListColumns } from '../store/list-columns.ts';
import { CommitQueue } from './commit-queue.ts';
import type { AppendRow, CommitExtras, DocStore } from '../store/doc-store.ts';

/** A row told apart by its one byte; the held store below numbers it with that byte. */
const row = (seq: number, docId = 'd'): AppendRow => ({
  docId,
  data: new Uint8Array([seq]),
  userId: 'u',
  newClients: [],
});

const columns = (count: number, preview = 'hi'): ListColumns => ({
  conversationId: 'c',
  preview,
  senderId: 'u',
  at: 1,
  count,
});

/** A store whose commits finish when the test says so, recording what each batch held. */
function heldStore() {
  const batches: { rows: number[]; extras: CommitExtras; finish: (error?: Error) => void }[] = [];
  const store = {
    appendBatch(rows: readonly AppendRow[], extras: CommitExtras = {}) {
      return new Promise<number[]>((resolve, reject) => {
        const seqs = rows.map((r) => r.data[0]!);
        batches.push({
          rows: seqs,
          extras,
          finish: (error) => (error ? reject(error) : resolve(seqs)),
        });
      });
    },
  } as unknown as DocStore;
  return { store, batches };
}

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
};

describe('CommitQueue', () => {
  it('[UP3] collects the next batch while one commits, and acks each entry only after its own batch committed, in order', async () => {
    const { store, batches } = heldStore();
    const queue = new CommitQueue(store);
    const log: string[] = [];
    const entry = (seq: number) => ({
      row: row(seq),
      onCommitted: (stored: number) => log.push(`ack ${stored}`),
      onFailed: () => log.push(`failed ${seq}`),
    });
    queue.enqueue(entry(1));
    await until(() => batches.length === 1);
    queue.enqueue(entry(2));
    queue.enqueue(entry(3));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1); // one batch in flight at a time
    expect(queue.uncommitted('d').map((r) => r.data[0])).toEqual([1, 2, 3]);
    batches[0]!.finish();
    await until(() => batches.length === 2);
    expect(log).toEqual(['ack 1']);
    expect(batches[1]!.rows).toEqual([2, 3]);
    expect(queue.uncommitted('d').map((r) => r.data[0])).toEqual([2, 3]);
    batches[1]!.finish();
    await until(() => log.length === 3);
    expect(log).toEqual(['ack 1', 'ack 2', 'ack 3']);
    expect(queue.uncommitted('d')).toEqual([]);
  });

  it('writes the list columns of a batch in its transaction, computed once per document with its count, and announces them after the commit', async () => {
    const { store, batches } = heldStore();
    const announced: string[] = [];
    const queue = new CommitQueue(store, {
      listCommitted: ({ conversationId }) => announced.push(conversationId),
    });
    const computed: string[] = [];
    for (const [seq, preview, docId] of [
      [1, 'first', 'seg0'],
      [2, 'second', 'seg0'],
      [3, 'third', 'seg1'], // the conversation's next segment, opened in the same batch
    ] as const)
      queue.enqueue({
        row: row(seq, docId),
        listColumns: {
          count: 1,
          columns: (count) => {
            computed.push(preview);
            return columns(count, preview);
          },
        },
        onCommitted: () => {},
        onFailed: () => {},
      });
    await until(() => batches.length === 1);
    expect(computed).toEqual(['second', 'third']);
    expect(batches[0]!.extras.listColumns).toEqual([columns(3, 'third')]);
    expect(announced).toEqual([]);
    batches[0]!.finish();
    await until(() => announced.length === 1);
    expect(announced).toEqual(['c']);
  });

  it('fails every entry of a batch the store refused, and goes on with the next', async () => {
    const { store, batches } = heldStore();
    const queue = new CommitQueue(store);
    const log: string[] = [];
    queue.enqueue({
      row: row(1),
      onCommitted: () => log.push('ack 1'),
      onFailed: () => log.push('failed 1'),
    });
    await until(() => batches.length === 1);
    queue.enqueue({
      row: row(1, 'e'),
      onCommitted: () => log.push('ack e1'),
      onFailed: () => log.push('failed e1'),
    });
    batches[0]!.finish(new Error('disk full'));
    await until(() => batches.length === 2);
    expect(log).toEqual(['failed 1']);
    expect(queue.uncommitted('e').map((r) => r.data[0])).toEqual([1]);
    batches[1]!.finish();
    await until(() => log.length === 2);
    expect(log).toEqual(['failed 1', 'ack e1']);
  });

  it('[UP3] a failed batch fails what waits behind it for its documents (never stored after a gap, never acked), and their rows settle at once', async () => {
    const { store, batches } = heldStore();
    const queue = new CommitQueue(store);
    const log: string[] = [];
    const entry = (seq: number, docId = 'd') => ({
      row: row(seq, docId),
      onCommitted: () => log.push(`ack ${docId}${seq}`),
      onFailed: () => log.push(`failed ${docId}${seq}`),
    });
    queue.enqueue(entry(1));
    await until(() => batches.length === 1);
    queue.enqueue(entry(2));
    queue.enqueue(entry(1, 'e'));
    // A repeated update of d, already in the document: it may be one of the rows that fail.
    queue.enqueue({
      docId: 'd',
      onCommitted: () => log.push('ack repeat'),
      onFailed: () => log.push('failed repeat'),
    });
    queue.enqueue(entry(3));
    let settled = false;
    void queue.settled('d').then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // d's rows are in flight
    batches[0]!.finish(new Error('disk full'));
    await until(() => batches.length === 2);
    expect(log).toEqual(['failed d1', 'failed d2', 'failed repeat', 'failed d3']);
    expect(queue.uncommitted('d')).toEqual([]);
    expect(settled).toBe(true);
    expect(batches[1]!.rows).toEqual([1]); // e's row only
    batches[1]!.finish();
    await until(() => log.length === 5);
    expect(log.at(-1)).toBe('ack e1');
  });

  it('settled waits for a document whose rows are committing, and only for that one', async () => {
    const { store, batches } = heldStore();
    const queue = new CommitQueue(store);
    const noop = { onCommitted: () => {}, onFailed: () => {} };
    const order: string[] = [];
    void queue.settled('d').then(() => order.push('d idle'));
    queue.enqueue({ row: row(1), ...noop });
    await until(() => batches.length === 1);
    queue.enqueue({ row: row(2), ...noop });
    void queue.settled('d').then(() => order.push('d settled'));
    void queue.settled('e').then(() => order.push('e idle'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['d idle', 'e idle']);
    batches[0]!.finish();
    await until(() => batches.length === 2);
    expect(order).toEqual(['d idle', 'e idle']); // row 2 still in flight
    batches[1]!.finish();
    await until(() => order.length === 3);
    expect(order.at(-1)).toBe('d settled');
  });

  it('[UP4] acks an entry without a row only after the batch ahead of it committed', async () => {
    const { store, batches } = heldStore();
    const queue = new CommitQueue(store);
    const log: string[] = [];
    queue.enqueue({ row: row(1), onCommitted: () => log.push('ack 1'), onFailed: () => {} });
    await until(() => batches.length === 1);
    queue.enqueue({ onCommitted: () => log.push('ack repeat'), onFailed: () => {} });
    const flushed = queue.flushed().then(() => log.push('flushed'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual([]);
    batches[0]!.finish();
    await flushed;
    expect(log).toEqual(['ack 1', 'ack repeat', 'flushed']);
    expect(batches).toHaveLength(1); // nothing to write for the second batch
  });

  it('[CP1] takes a snapshot only in a batch that stores every uncommitted row of its document', async () => {
    const { store, batches } = heldStore();
    const queue = new CommitQueue(store);
    const noop = { onCommitted: () => {}, onFailed: () => {} };
    const snapshot = { docId: 'd', take: () => ({ docId: 'd', throughSeq: 2, state: new Uint8Array([9]) }) };
    queue.enqueue({ row: row(1), ...noop });
    await until(() => batches.length === 1);
    queue.enqueue({ row: row(2), ...noop });
    queue.enqueue({ snapshot, ...noop });
    batches[0]!.finish();
    await until(() => batches.length === 2);
    expect(batches[1]!.rows).toEqual([2]);
    expect(batches[1]!.extras.snapshots).toEqual([{ docId: 'd', throughSeq: 2, state: new Uint8Array([9]) }]);
  });

  it('hands a burst’s first entries to an idle store at once, within the turn; the rest collect behind them', async () => {
    const { store, batches } = heldStore();
    const queue = new CommitQueue(store);
    const noop = { onCommitted: () => {}, onFailed: () => {} };
    for (let seq = 1; seq <= 7; seq++) queue.enqueue({ row: row(seq), ...noop });
    expect(batches).toHaveLength(0); // a few wait for the end of the turn
    queue.enqueue({ row: row(8), ...noop });
    expect(batches.map((b) => b.rows)).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]); // the eighth: at once
    for (let seq = 9; seq <= 20; seq++) queue.enqueue({ row: row(seq), ...noop });
    expect(batches).toHaveLength(1); // one batch in flight at a time
    batches[0]!.finish();
    await until(() => batches.length === 2);
    expect(batches[1]!.rows).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('[CP1] skips a snapshot whose document still has rows waiting behind its batch (over the rows per commit)', async () => {
    const { store, batches } = heldStore();
    const queue = new CommitQueue(store);
    const noop = { onCommitted: () => {}, onFailed: () => {} };
    // Another document's batch in flight: what follows collects behind it (no batch is handed
    // over early while one commits).
    queue.enqueue({ row: row(1, 'other'), ...noop });
    await until(() => batches.length === 1);
    let taken = false;
    queue.enqueue({
      snapshot: {
        docId: 'd',
        take: () => ((taken = true), { docId: 'd', throughSeq: 2001, state: new Uint8Array() }),
      },
      ...noop,
    });
    for (let seq = 1; seq <= 2001; seq++) queue.enqueue({ row: row(seq), ...noop });
    batches[0]!.finish();
    await until(() => batches.length === 2);
    expect(batches[1]!.rows).toHaveLength(1999); // 2,000 entries: the snapshot and 1,999 rows
    expect(batches[1]!.extras.snapshots).toEqual([]);
    expect(taken).toBe(false);
  });
});
