import { describe, expect, it, vi } from 'vitest';
import { CommitQueue } from './commit-queue.ts';
import type { AppendRow, DocStore } from './doc-store.ts';

const row = (seq: number): AppendRow => ({
  docId: 'd',
  seq,
  data: new Uint8Array([0]),
  userId: 'u',
  newClients: [],
});

describe('CommitQueue', () => {
  it('runs the writes that belong with a batch inside its one transaction, then acks', () => {
    const log: string[] = [];
    const store = {
      appendBatch(rows: readonly AppendRow[], alsoInTransaction?: () => void) {
        log.push(`begin ${rows.length}`);
        alsoInTransaction?.();
        log.push('commit');
      },
    } as unknown as DocStore;
    const queue = new CommitQueue(store);
    for (const seq of [1, 2])
      queue.enqueue({
        row: row(seq),
        inTransaction: () => log.push(`list ${seq}`),
        onCommitted: () => log.push(`ack ${seq}`),
        onFailed: () => log.push(`failed ${seq}`),
      });
    queue.flush();
    expect(log).toEqual(['begin 2', 'list 1', 'list 2', 'commit', 'ack 1', 'ack 2']);
  });

  it('fails the whole batch when a write inside its transaction throws', () => {
    const store = {
      appendBatch(_rows: readonly AppendRow[], alsoInTransaction?: () => void) {
        alsoInTransaction?.();
      },
    } as unknown as DocStore;
    const queue = new CommitQueue(store);
    const log: string[] = [];
    queue.enqueue({
      row: row(1),
      inTransaction: () => {
        throw new Error('list update failed');
      },
      onCommitted: () => log.push('ack'),
      onFailed: () => log.push('failed'),
    });
    queue.flush();
    expect(log).toEqual(['failed']);
  });

  it('commits at once when idle, but leaves the minimum interval between commits under load', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    try {
      const commits: number[] = [];
      const store = {
        appendBatch(rows: readonly AppendRow[]) {
          commits.push(rows.length);
        },
      } as unknown as DocStore;
      const queue = new CommitQueue(store, 2);
      const entry = (seq: number) => ({ row: row(seq), onCommitted: () => {}, onFailed: () => {} });
      queue.enqueue(entry(1));
      vi.advanceTimersToNextTimer(); // the immediate
      expect(commits).toEqual([1]);
      queue.enqueue(entry(2));
      queue.enqueue(entry(3));
      vi.advanceTimersByTime(1);
      expect(commits).toEqual([1]);
      vi.advanceTimersByTime(1);
      expect(commits).toEqual([1, 2]);
    } finally {
      vi.useRealTimers();
    }
  });
});
