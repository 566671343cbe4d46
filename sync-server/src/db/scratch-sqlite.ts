import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openDatabase } from './open.ts';
import type { Database } from './sql.ts';
import { SqliteDatabase } from './sqlite-database.ts';

/** A store's database for a test: migrated, empty, and gone (folder included) once closed. */
export interface ScratchDatabase {
  database: Database;
  close(): Promise<void>;
}

/** A migrated SQLite file in a temporary folder: the contract suites' SQLite side. */
export function scratchSqlite(): Promise<ScratchDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-store-'));
  const raw = openDatabase(path.join(dir, 'db.sqlite'));
  migrate(raw, MIGRATIONS);
  const database = new SqliteDatabase(raw);
  return Promise.resolve({
    database,
    async close() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
