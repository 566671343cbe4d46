import { afterEach, describe, expect, it } from 'vitest';
import { UPDATE_ID_REUSED, type DocStore } from './doc-store.ts';

/** A store for one test, and how to let go of it. */
export interface OpenedDocStore {
  store: DocStore;
  /** Another store on the same database, as another server process would hold (closed with `close`). */
  another: () => DocStore;
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
    const openOne = async (): Promise<OpenedDocStore> => {
      const one = await open();
      opened.push(one);
      return one;
    };
    const make = async (): Promise<DocStore> => (await openOne()).store;
    const row = (docId: string, n: number, userId = 'u_1') => ({
      docId,
      data: bytes(n),
      userId,
      newClients: [],
    });
    const withId = (docId: string, n: number, id: number) => ({
      ...row(docId, n),
      updateId: new Uint8Array(16).fill(id),
    });
    afterEach(async () => {
      for (const one of opened.splice(0)) await one.close();
    });

    it('[SUB4] reads a long log in pages by seq: at most a page’s rows, cut at its bytes (one entry at least)', async () => {
      const store = await make();
      const sizes = [3, 3, 3, 100, 3, 3, 3, 3, 3, 3, 3];
      await store.appendBatch(
        sizes.map((size, i) => ({
          docId: 'p',
          data: new Uint8Array(size).fill(i),
          userId: 'u_1',
          newClients: [],
        })),
      );
      const pages: number[][] = [];
      for (let after = 0; ;) {
        const page = (await store.logAfter('p', after, { rows: 5, bytes: 50 })) ?? [];
        if (page.length === 0) break;
        pages.push(page.map((entry) => entry.seq));
        after = page.at(-1)!.seq;
      }
      // The fourth entry takes the first page past its bytes: the page ends with it, one row short.
      expect(pages).toEqual([
        [1, 2, 3, 4],
        [5, 6, 7, 8, 9],
        [10, 11],
      ]);
      expect(await store.logAfter('p', 0, { rows: 2, bytes: 1 })).toEqual([
        { seq: 1, data: new Uint8Array(3).fill(0), userId: 'u_1' },
      ]);
      expect(await store.logAfter('p', 0)).toHaveLength(sizes.length); // no page: all of it
      await store.compact('p', 5, bytes(9));
      expect(await store.logAfter('p', 2, { rows: 4, bytes: 50 })).toBeNull();
      expect((await store.logAfter('p', 5, { rows: 4, bytes: 50 }))?.map((e) => e.seq)).toEqual([6, 7, 8, 9]);
    });

    it('[UP3] appends a batch in one go, with heads, bindings and the newest segment', async () => {
      const store = await make();
      const seqs = await store.appendBatch([
        {
          docId: 'a',
          data: bytes(1),
          userId: 'u_1',
          newClients: [11],
          segment: { conversationId: 'c_1', index: 0 },
        },
        { docId: 'a', data: bytes(2), userId: 'u_1', newClients: [] },
        {
          docId: 'b',
          data: bytes(3),
          userId: 'u_2',
          newClients: [22],
          segment: { conversationId: 'c_1', index: 1 },
        },
      ]);
      expect(seqs).toEqual([1, 2, 1]); // numbered by the store, per document
      expect(await store.heads(['a', 'b', 'none'])).toEqual(
        new Map([
          ['a', 2],
          ['b', 1],
          ['none', 0],
        ]),
      );
      expect(await store.logAfter('a', 1)).toEqual([{ seq: 2, data: bytes(2), userId: 'u_1' }]);
      expect((await store.load('b')).clients).toEqual(new Map([[22, 'u_2']]));
      expect(await store.latestSegments(['c_1', 'c_2'])).toEqual(new Map([['c_1', 1]]));
      await expect(
        store.appendBatch([
          { docId: 'a', data: bytes(8), userId: 'u_1', newClients: [] },
          { docId: 'a', data: bytes(9), userId: null as unknown as string, newClients: [] },
        ]),
      ).rejects.toThrow();
      expect(await store.logAfter('a', 0)).toHaveLength(2); // a failed batch stored nothing
      expect(
        await store.appendBatch([{ docId: 'a', data: bytes(9), userId: 'u_1', newClients: [] }]),
      ).toEqual([3]); // and took no number
    });

    it('[CP1] compaction replaces the log it covers; catch-up before it says so (null)', async () => {
      const store = await make();
      const rows = [1, 2, 3].map((seq) => ({
        docId: 'c',
        data: bytes(seq),
        userId: 'u_1',
        newClients: [],
      }));
      await store.appendBatch(rows);
      await store.compact('c', 2, bytes(7));
      expect(await store.logLength('c')).toBe(1);
      expect(await store.logAfter('c', 1)).toBeNull();
      expect(await store.logAfter('c', 2)).toEqual([{ seq: 3, data: bytes(3), userId: 'u_1' }]);
      expect((await store.heads(['c'])).get('c')).toBe(3);
      const loaded = await store.load('c');
      expect(loaded.snapshot).toEqual({ seq: 2, data: bytes(7) });
      expect(loaded.log.map((l) => l.seq)).toEqual([3]);
      await store.compact('c', 1, bytes(5)); // late, older: ignored
      expect((await store.load('c')).snapshot).toEqual({ seq: 2, data: bytes(7) });
    });

    it('writes the list columns with the batch and a snapshot in the same transaction', async () => {
      const store = await make();
      await store.appendBatch([{ docId: 'e', data: bytes(1), userId: 'u_1', newClients: [] }], {
        snapshots: [{ docId: 'e', throughSeq: 0, state: bytes(4), withRows: true }],
        listColumns: [{ conversationId: 'c_missing', preview: 'hi', senderId: 'u_1', at: 5, count: 1 }],
      });
      expect(await store.load('e')).toMatchObject({ snapshot: { seq: 1, data: bytes(4) }, log: [] });
      await store.close();
    });

    it('[SEQ1] a snapshot taken with its rows is not written when another writer stored a row before them', async () => {
      const { store, another } = await openOne();
      await store.appendBatch([row('f', 1)]);
      await another().appendBatch([row('f', 2)]); // another process: seq 2, not in this one's memory
      // This one's memory holds seq 1 and its own next update: the snapshot would lose seq 2.
      expect(
        await store.appendBatch([row('f', 3)], {
          snapshots: [{ docId: 'f', throughSeq: 1, state: bytes(7), withRows: true }],
        }),
      ).toEqual([3]);
      expect((await store.load('f')).snapshot).toBeNull();
      expect((await store.logAfter('f', 0))?.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    });

    it('[SEQ1] writers of one document on several stores get contiguous numbers, each once', async () => {
      const { store, another } = await openOne();
      const writers = [store, another(), another()];
      const rounds = 15;
      const given = await Promise.all(
        writers.map(async (writer, w) => {
          const seqs: number[] = [];
          for (let i = 0; i < rounds; i++) {
            // Batches of one and two rows, and a second document in some of them.
            const rows = [row('g', w * 100 + i, `u_${w}`)];
            if (i % 3 === 0) rows.push(row('g', w * 100 + 50 + i, `u_${w}`), row(`h${w}`, i));
            const stored = await writer.appendBatch(rows);
            seqs.push(...stored.filter((_, k) => rows[k]!.docId === 'g'));
          }
          return seqs;
        }),
      );
      const all = given.flat().sort((a, b) => a - b);
      const count = writers.length * (rounds + Math.ceil(rounds / 3));
      expect(all).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      for (const seqs of given) expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // each writer's in order
      const log = (await store.logAfter('g', 0)) ?? [];
      expect(log.map((entry) => entry.seq)).toEqual(all);
      expect((await store.heads(['g'])).get('g')).toBe(count);
    });

    it('[SEQ3] a retry of a stored update gets its first number and is not stored again, after compaction too', async () => {
      const { store, another } = await openOne();
      expect(await store.appendBatch([withId('r', 1, 1), withId('r', 2, 2)])).toEqual([1, 2]);
      // The ack was lost: the device sends update 1 again, to this process and to another.
      expect(await store.appendBatch([withId('r', 1, 1), withId('r', 3, 3)])).toEqual([1, 3]);
      expect(await another().appendBatch([withId('r', 2, 2)])).toEqual([2]);
      // Twice in one batch: stored once, both answered with its number.
      expect(await store.appendBatch([withId('r', 4, 4), withId('r', 4, 4)])).toEqual([4, 4]);
      expect((await store.logAfter('r', 0))?.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
      expect((await store.heads(['r'])).get('r')).toBe(4);
      await store.compact('r', 4, bytes(9));
      expect(await store.appendBatch([withId('r', 2, 2)])).toEqual([2]);
      expect(await store.updateSeq('r', new Uint8Array(16).fill(3), bytes(3))).toBe(3);
      expect(await store.updateSeq('r', new Uint8Array(16).fill(9), bytes(3))).toBe(0);
      expect((await store.heads(['r'])).get('r')).toBe(4);
      // The same id in another document is another update.
      expect(await store.appendBatch([withId('r2', 1, 1)])).toEqual([1]);
    });

    it('[SEQ3] a reused update id with other bytes is refused alone; what is stored stays intact', async () => {
      const store = await make();
      await store.appendBatch([withId('s', 1, 1)]);
      expect(await store.appendBatch([row('s', 5), withId('s', 6, 1), row('s', 7)])).toEqual([
        2,
        UPDATE_ID_REUSED,
        3,
      ]);
      expect(await store.updateSeq('s', new Uint8Array(16).fill(1), bytes(6))).toBe(UPDATE_ID_REUSED);
      expect(await store.logAfter('s', 0)).toEqual([
        { seq: 1, data: bytes(1), userId: 'u_1' },
        { seq: 2, data: bytes(5), userId: 'u_1' },
        { seq: 3, data: bytes(7), userId: 'u_1' },
      ]);
      expect(await store.updateSeq('s', new Uint8Array(16).fill(1), bytes(1))).toBe(1);
    });

    it('[SEQ3] one update sent at once through two connections is stored once, both answered with its number', async () => {
      const { store, another } = await openOne();
      await store.appendBatch([row('t', 1)]);
      const second = another();
      for (let round = 2; round <= 21; round++) {
        const answers = await Promise.all([
          store.appendBatch([withId('t', round, round)]),
          second.appendBatch([withId('t', round, round), row(`t${round}`, 1)]),
        ]);
        expect(answers[0][0]).toBe(answers[1][0]);
      }
      const log = (await store.logAfter('t', 0)) ?? [];
      expect(log.map((entry) => entry.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
      expect(new Set(log.map((entry) => entry.data[0])).size).toBe(21); // each update once
    });
  });
}
