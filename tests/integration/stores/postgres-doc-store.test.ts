import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDatabase } from '../../../sync-server/src/db/index.ts';
import { createLogger } from '../../../sync-server/src/logger.ts';
import type { AppendRow } from '../../../sync-server/src/sync/store/doc-store.ts';
import { PostgresDocStore } from '../../../sync-server/src/sync/store/postgres-doc-store.ts';
import { freshDatabase } from '../../harness/databases.ts';

// What the PostgreSQL store's one-statement batch (sync/store/postgres-append.ts) writes beyond
// the contract suite (postgres-contracts.test.ts): the conversation list's columns, and a batch
// of many documents interleaved.
describe('PostgreSQL document store, a batch in one statement', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open() {
    const fresh = await freshDatabase();
    const db = PostgresDatabase.connect(fresh.url);
    cleanups.push(fresh.drop, () => db.close());
    const logged: { msg: string; fields: unknown }[] = [];
    const logger = createLogger('error', (line) => {
      const record = JSON.parse(line) as { msg: string };
      logged.push({ msg: record.msg, fields: record });
    });
    for (const id of ['c_a', 'c_b']) {
      await db.run(
        `INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES (?, 'group', 1, 1)`,
        [id],
      );
    }
    return { db, store: new PostgresDocStore(db, () => 1000, logger), logged };
  }

  const row = (docId: string, n: number, extra: Partial<AppendRow> = {}): AppendRow => ({
    docId,
    data: new Uint8Array([n]),
    userId: 'u_1',
    newClients: [],
    ...extra,
  });

  const listOf = (db: PostgresDatabase) =>
    db.all<{
      id: string;
      last_message_preview: string | null;
      message_count: number;
      last_activity_at: number;
    }>('SELECT id, last_message_preview, message_count, last_activity_at FROM conversations ORDER BY id');

  it('numbers interleaved documents in batch order and writes every conversation’s list columns with them', async () => {
    const { db, store } = await open();
    await store.appendBatch([row('c_a/0', 1), row('c_b/0', 2)]);
    // Three documents interleaved, two of them already holding a row; client ids, segments
    // and update ids on some rows.
    const docs = ['c_b/0', 'c_a/0', 'c_a/1'];
    const rows = Array.from({ length: 30 }, (_, i) =>
      row(docs[i % 3]!, i, {
        newClients: i < 3 ? [100 + i, 100 + i] : [],
        ...(i === 2 ? { segment: { conversationId: 'c_a', index: 1 } } : {}),
        ...(i % 2 === 0 ? { updateId: new Uint8Array(16).fill(i) } : {}),
      }),
    );
    const seqs = await store.appendBatch(rows, {
      listColumns: [
        { conversationId: 'c_b', preview: 'newest in b', senderId: 'u_1', at: 900, count: 10 },
        { conversationId: 'c_a', preview: 'older in a', senderId: 'u_1', at: 900, count: 10 },
        { conversationId: 'c_a', preview: 'newest in a', senderId: 'u_1', at: 900, count: 10 },
      ],
    });
    // Per document contiguous after its head, in the batch's order.
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(i / 3) + (i % 3 === 2 ? 1 : 2)));
    expect(await store.heads(docs)).toEqual(
      new Map([
        ['c_b/0', 11],
        ['c_a/0', 11],
        ['c_a/1', 10],
      ]),
    );
    const log = (await store.logAfter('c_a/1', 0)) ?? [];
    expect(log.map((entry) => entry.data[0])).toEqual(
      rows.filter((_, i) => i % 3 === 2).map((r) => r.data[0]),
    );
    expect((await store.load('c_a/1')).clients).toEqual(new Map([[102, 'u_1']]));
    expect(await store.latestSegments(['c_a', 'c_b'])).toEqual(new Map([['c_a', 1]]));
    expect(await store.updateSeq('c_a/1', new Uint8Array(16).fill(8), new Uint8Array([8]))).toBe(3);
    // Two rows for one conversation are one: the counts add up, the newest preview wins.
    expect(await listOf(db)).toEqual([
      { id: 'c_a', last_message_preview: 'newest in a', message_count: 20, last_activity_at: 900 },
      { id: 'c_b', last_message_preview: 'newest in b', message_count: 10, last_activity_at: 900 },
    ]);
  });

  it('a list that cannot be written costs the messages nothing: stored, numbered, and logged', async () => {
    const { db, store, logged } = await open();
    // A local stand-in for whatever may refuse the list's UPDATE (PostgreSQL refusing a value).
    await db.run(`CREATE FUNCTION refuse_list() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'list refused'; END $$`);
    await db.run(`CREATE TRIGGER refuse_list BEFORE UPDATE ON conversations FOR EACH ROW
      WHEN (NEW.id = 'c_b') EXECUTE FUNCTION refuse_list()`);
    const seqs = await store.appendBatch([row('c_b/0', 1), row('c_b/0', 2, { newClients: [7] })], {
      listColumns: [{ conversationId: 'c_b', preview: 'hi', senderId: 'u_1', at: 900, count: 2 }],
    });
    expect(seqs).toEqual([1, 2]);
    expect((await store.logAfter('c_b/0', 0))?.map((entry) => entry.data[0])).toEqual([1, 2]);
    expect((await store.load('c_b/0')).clients).toEqual(new Map([[7, 'u_1']]));
    expect((await listOf(db)).find((c) => c.id === 'c_b')).toMatchObject({ message_count: 0 });
    expect(logged.map((entry) => entry.msg)).toEqual(['conversation list not updated']);
    // Once, not twice: the next batch takes the next numbers.
    expect(await store.appendBatch([row('c_b/0', 3)])).toEqual([3]);
  });
});
