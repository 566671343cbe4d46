import { afterEach, describe, expect, it } from 'vitest';
import type { DocStore } from './doc-store.ts';

/** A store for one test, and how to let go of it. */
export interface OpenedDocStore {
  store: DocStore;
  close(): Promise<void>;
}

/**
 * The contract every DocStore implementation must keep: run against SQLite (on the caller's
 * connection and on the commit worker, doc-store.test.ts) and PostgreSQL
 * (tests/integration/stores/).
 */
export function docStoreContract(name: string, open: () => Promise<OpenedDocStore>): void {
  describe(`${name} document store`, () => {
    const bytes = (n: number) => new Uint8Array([n, n, n]);
    const opened: OpenedDocStore[] = [];
    const make = async (): Promise<DocStore> => {
      const one = await open();
      opened.push(one);
      return one.store;
    };
    afterEach(async () => {
      for (const one of opened.splice(0)) await one.close();
    });

    it('[UP3] appends a batch in one go, with heads, bindings and the newest segment', async () => {
      const store = await make();
      await store.appendBatch([
        {
          docId: 'a',
          seq: 1,
          data: bytes(1),
          userId: 'u_1',
          newClients: [11],
          segment: { conversationId: 'c_1', index: 0 },
        },
        { docId: 'a', seq: 2, data: bytes(2), userId: 'u_1', newClients: [] },
        {
          docId: 'b',
          seq: 1,
          data: bytes(3),
          userId: 'u_2',
          newClients: [22],
          segment: { conversationId: 'c_1', index: 1 },
        },
      ]);
      expect(await store.heads(['a', 'b', 'none'])).toEqual(
        new Map([
          ['a', 2],
          ['b', 1],
          ['none', 0],
        ]),
      );
      expect(await store.logAfter('a', 1)).toEqual([{ seq: 2, data: bytes(2) }]);
      expect((await store.load('b')).clients).toEqual(new Map([[22, 'u_2']]));
      expect(await store.latestSegments(['c_1', 'c_2'])).toEqual(new Map([['c_1', 1]]));
      await expect(
        store.appendBatch([{ docId: 'a', seq: 2, data: bytes(9), userId: 'u_1', newClients: [] }]),
      ).rejects.toThrow();
      expect(await store.logAfter('a', 0)).toHaveLength(2); // a failed batch stored nothing
    });

    it('[CP1] compaction replaces the log it covers; catch-up before it says so (null)', async () => {
      const store = await make();
      const rows = [1, 2, 3].map((seq) => ({
        docId: 'c',
        seq,
        data: bytes(seq),
        userId: 'u_1',
        newClients: [],
      }));
      await store.appendBatch(rows);
      await store.compact('c', 2, bytes(7));
      expect(await store.logLength('c')).toBe(1);
      expect(await store.logAfter('c', 1)).toBeNull();
      expect(await store.logAfter('c', 2)).toEqual([{ seq: 3, data: bytes(3) }]);
      expect((await store.heads(['c'])).get('c')).toBe(3);
      const loaded = await store.load('c');
      expect(loaded.snapshot).toEqual({ seq: 2, data: bytes(7) });
      expect(loaded.log.map((l) => l.seq)).toEqual([3]);
      await store.compact('c', 1, bytes(5)); // late, older: ignored
      expect((await store.load('c')).snapshot).toEqual({ seq: 2, data: bytes(7) });
    });

    it('writes the list columns with the batch and a snapshot in the same transaction', async () => {
      const store = await make();
      await store.appendBatch([{ docId: 'e', seq: 1, data: bytes(1), userId: 'u_1', newClients: [] }], {
        snapshots: [{ docId: 'e', throughSeq: 1, state: bytes(4) }],
        listColumns: [{ conversationId: 'c_missing', preview: 'hi', senderId: 'u_1', at: 5, count: 1 }],
      });
      expect(await store.load('e')).toMatchObject({ snapshot: { seq: 1, data: bytes(4) }, log: [] });
      await store.close();
    });
  });
}
