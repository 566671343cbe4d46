import { PostgresDatabase } from '../../sync-server/src/db/index.ts';
import type { ScratchDatabase } from '../../sync-server/src/db/scratch-sqlite.ts';
import { freshDatabase } from './databases.ts';

/** A store's PostgreSQL database for one test: a fresh copy of the migrated template, dropped on close. */
export async function scratchPostgres(): Promise<ScratchDatabase> {
  const fresh = await freshDatabase();
  const database = PostgresDatabase.connect(fresh.url);
  return {
    database,
    async close() {
      await database.close();
      await fresh.drop();
    },
  };
}
