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
  /** Everything durable but the documents. */
  database: Database;
  /** The documents' SQLite file (until the PostgreSQL document store, also on PostgreSQL). */
  documentsDb: Db;
  /** Migrations applied at this start, per engine. */
  applied: { database: number[]; documents: number[] };
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
 * DATABASE_URL with the documents (for now) in DATA_DIR's SQLite file.
 */
export async function openStorage(options: {
  dataDir: string;
  postgresUrl?: string;
}): Promise<OpenedStorage> {
  const file = path.join(options.dataDir, 'messenjo.sqlite');
  let documentsDb: Db;
  try {
    documentsDb = openDatabase(file);
  } catch (error) {
    throw new StorageError('DATA_DIR', `cannot open the database ${file} (${reason(error)})`);
  }
  let documents: number[];
  try {
    documents = migrate(documentsDb, MIGRATIONS).applied;
  } catch (error) {
    documentsDb.close();
    throw new StorageError('DATA_DIR', `database migration failed: ${reason(error)}`);
  }
  if (options.postgresUrl === undefined) {
    const database = new SqliteDatabase(documentsDb);
    return {
      database,
      documentsDb,
      applied: { database: documents, documents },
      expectedMigrations: MIGRATIONS.length,
      close: () => database.close(),
    };
  }
  const database = PostgresDatabase.connect(options.postgresUrl);
  const close = async (): Promise<void> => {
    await database.close();
    documentsDb.close();
  };
  try {
    const { applied } = await migratePostgres(database.pool, POSTGRES_MIGRATIONS);
    return {
      database,
      documentsDb,
      applied: { database: applied, documents },
      expectedMigrations: POSTGRES_MIGRATIONS.length,
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw new StorageError('DATABASE_URL', `${database.describe()}: ${reason(error)}`);
  }
}
