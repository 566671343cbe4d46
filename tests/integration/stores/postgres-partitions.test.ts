import { afterEach, describe, expect, it } from 'vitest';
import { migratePostgres, POSTGRES_MIGRATIONS, PostgresDatabase } from '../../../sync-server/src/db/index.ts';
import { createLogger } from '../../../sync-server/src/logger.ts';
import type { AppendRow } from '../../../sync-server/src/sync/store/doc-store.ts';
import { PostgresDocStore } from '../../../sync-server/src/sync/store/postgres-doc-store.ts';
import { emptyDatabase } from '../../harness/databases.ts';

/**
 * PostgreSQL migration 23: the update log and the update ids partitioned by a hash of the
 * document id, on a database already holding both (a deployment from before it), through the
 * document store itself: every row is still read, a retried update is still answered with its
 * first number, and numbering goes on where it was.
 */
describe('PostgreSQL migration 23, the log partitioned by document', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('moves a populated log and its update ids into 16 hash partitions with nothing lost', async () => {
    const fresh = await emptyDatabase();
    const db = PostgresDatabase.connect(fresh.url);
    cleanups.push(fresh.drop, () => db.close());
    // The deployment as it was: every migration but the partitioning one.
    const before = POSTGRES_MIGRATIONS.filter((m) => m.version !== 23);
    expect(before).toHaveLength(POSTGRES_MIGRATIONS.length - 1);
    await migratePostgres(db.pool, before);
    const store = new PostgresDocStore(
      db,
      () => 1000,
      createLogger('error', () => {}),
    );

    const docs = Array.from({ length: 24 }, (_, i) => `user:u_${i}`);
    const updateId = (doc: number, n: number): Uint8Array => new Uint8Array(16).fill(doc * 10 + n);
    const row = (doc: number, n: number): AppendRow => ({
      docId: docs[doc]!,
      data: new Uint8Array([doc, n]),
      userId: 'u_1',
      newClients: [],
      updateId: updateId(doc, n),
    });
    for (let n = 0; n < 5; n++) await store.appendBatch(docs.map((_, doc) => row(doc, n)));
    const logBefore = await Promise.all(docs.map((docId) => store.logAfter(docId, 0)));

    const { applied } = await migratePostgres(db.pool, POSTGRES_MIGRATIONS);
    expect(applied).toEqual([23]);

    const partitions = await db.all<{ parent: string; n: number }>(
      `SELECT p.relname AS parent, count(*)::int AS n FROM pg_inherits i
         JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname IN ('doc_log', 'doc_update_ids')
         GROUP BY p.relname ORDER BY p.relname`,
    );
    expect(partitions).toEqual([
      { parent: 'doc_log', n: 16 },
      { parent: 'doc_update_ids', n: 16 },
    ]);
    // The documents are spread over the partitions, not all in one.
    const used = await db.all<{ partition: string }>(
      'SELECT DISTINCT tableoid::regclass::text AS partition FROM doc_log',
    );
    expect(used.length).toBeGreaterThan(4);

    // Every row read back as before; a retry answered with its first number, stored once;
    // new rows numbered after the old.
    expect(await Promise.all(docs.map((docId) => store.logAfter(docId, 0)))).toEqual(logBefore);
    expect(await store.appendBatch([row(3, 2)])).toEqual([3]);
    expect(await store.appendBatch([{ ...row(3, 9), updateId: undefined }])).toEqual([6]);
    expect(await store.logLength(docs[3]!)).toBe(6);
    const total = await db.all<{ n: number }>('SELECT count(*)::int AS n FROM doc_log');
    expect(total[0]!.n).toBe(docs.length * 5 + 1);
  });
});
