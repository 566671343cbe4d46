import path from 'node:path';
import { migrate } from './migrate.ts';
import { migratePostgres } from './migrate-postgres.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openDatabase, type Db } from './open.ts';
import { PostgresDatabase } from './postgres-database.ts';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import { SqliteDatabase } from './sqlite-database.ts';
import type { Database } from './sql.ts';

export interface OpenedStorage {
  /** Everything durable (on PostgreSQL the documents too). */
  database: Database;
  /** On SQLite, `database`'s own connection, which the documents' commit worker shares. */
  documentsDb: Db | undefined;
  /** Migrations applied at this start. */
  applied: number[];
  /** How many migrations `database` must have recorded to be ready (/readyz). */
  expectedMigrations: number;
  close(): Promise<void>;
}

/** A failure to open or migrate, naming the variable at fault (main prints it as one line). */
export class StorageError extends Error {
  constructor(
    readonly variable: 'DATA_DIR' | 'DATABASE_URL',
    message: string,
  ) {
    super(message);
  }
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Opens and migrates the storage the configuration names: SQLite in DATA_DIR, or PostgreSQL at
 * DATABASE_URL (DATA_DIR then holds pictures and keys only).
 */
export async function openStorage(options: {
  dataDir: string;
  postgresUrl?: string;
}): Promise<OpenedStorage> {
  if (options.postgresUrl !== undefined) return openPostgres(options.postgresUrl);
  const file = path.join(options.dataDir, 'messenjo.sqlite');
  let documentsDb: Db;
  try {
    documentsDb = openDatabase(file);
  } catch (error) {
    throw new StorageError('DATA_DIR', `cannot open the database ${file} (${reason(error)})`);
  }
  let applied: number[];
  try {
    applied = migrate(documentsDb, MIGRATIONS).applied;
  } catch (error) {
    documentsDb.close();
    throw new StorageError('DATA_DIR', `database migration failed: ${reason(error)}`);
  }
  const database = new SqliteDatabase(documentsDb);
  return {
    database,
    documentsDb,
    applied,
    expectedMigrations: MIGRATIONS.length,
    close: () => database.close(),
  };
}

async function openPostgres(url: string): Promise<OpenedStorage> {
  const database = PostgresDatabase.connect(url);
  try {
    const { applied } = await migratePostgres(database.pool, POSTGRES_MIGRATIONS);
    return {
      database,
      documentsDb: undefined,
      applied,
      expectedMigrations: POSTGRES_MIGRATIONS.length,
      close: () => database.close(),
    };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw new StorageError('DATABASE_URL', `${database.describe()}: ${reason(error)}`);
  }
}
