import type pg from 'pg';
import { pendingMigrations, type MigrationResult } from './migrate.ts';
import type { PostgresMigration } from './postgres-migrations.ts';

/** Any number both sides agree on: the advisory lock that makes starting processes migrate one at a time. */
const MIGRATION_LOCK = 0x6d657373; // "mess"

/**
 * Applies the PostgreSQL migrations not yet recorded, each in its own transaction with its
 * `schema_migrations` row (DDL is transactional in PostgreSQL: a failed migration leaves the
 * previous state intact). Several processes starting at once take turns on an advisory lock, so
 * each migration runs once; a version this server does not know is refused.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly PostgresMigration[],
): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version    integer PRIMARY KEY,
          name       text NOT NULL,
          applied_at text NOT NULL
        )`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const pending = pendingMigrations(migrations, new Set(rows.map((r) => r.version)));
      const applied: number[] = [];
      for (const migration of pending) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [migration.version, migration.name, new Date().toISOString()],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(
            `migration ${migration.version} (${migration.name}): ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        applied.push(migration.version);
      }
      const current = await client.query<{ v: number | null }>(
        'SELECT MAX(version) AS v FROM schema_migrations',
      );
      return { applied, current: current.rows[0]?.v ?? 0 };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
