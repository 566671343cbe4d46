import type { Migration } from './migrations/index.ts';
import type { Db } from './open.ts';

export interface MigrationResult {
  applied: number[];
  current: number;
}

/**
 * Applies every migration newer than the database's version, each in its own transaction
 * together with its bookkeeping row, so a crash mid-migration leaves the previous version intact.
 */
export function migrate(db: Db, migrations: readonly Migration[]): MigrationResult {
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT;
  `);
  const versions = migrations.map((m) => m.version);
  for (let i = 1; i < versions.length; i++) {
    if (versions[i]! <= versions[i - 1]!)
      throw new Error(`migrations out of order at version ${versions[i]}`);
  }
  const current = appliedVersion(db);
  const known = versions.at(-1) ?? 0;
  if (current > known) {
    throw new Error(
      `database schema version ${current} is newer than this server knows (${known}); upgrade the server`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    applied.push(migration.version);
  }
  return { applied, current: appliedVersion(db) };
}

export function appliedVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

export function appliedCount(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n;
}
