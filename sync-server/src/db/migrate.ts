import type { Migration } from './migrations/index.ts';
import type { Db } from './open.ts';

export interface MigrationResult {
  applied: number[];
  current: number;
}

/**
 * Applies every migration not yet recorded, in version order, each in its own transaction
 * together with its bookkeeping row, so a crash mid-migration leaves the previous state intact.
 * The set of recorded versions decides (not only the highest), so gaps between the number
 * ranges features use are harmless.
 */
export function migrate(db: Db, migrations: readonly Migration[]): MigrationResult {
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT;
  `);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const pending = pendingMigrations(migrations, done);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of pending) {
    db.transaction(() => {
      migration.up(db);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    applied.push(migration.version);
  }
  return { applied, current: appliedVersion(db) };
}

/**
 * The migrations to apply, in order, given the versions a database has recorded (either
 * engine). Throws when the list is out of order or the database holds a version this server
 * does not know: it was written by a newer server, and running on it could break it.
 */
export function pendingMigrations<M extends { version: number }>(
  migrations: readonly M[],
  done: ReadonlySet<number>,
): M[] {
  const versions = migrations.map((m) => m.version);
  for (let i = 1; i < versions.length; i++) {
    if (versions[i]! <= versions[i - 1]!)
      throw new Error(`migrations out of order at version ${versions[i]}`);
  }
  const unknown = [...done].filter((v) => !versions.includes(v));
  if (unknown.length > 0) {
    throw new Error(
      `the database has migrations this server does not know (${unknown.join(', ')}): it was written by a newer server, upgrade this one`,
    );
  }
  return migrations.filter((m) => !done.has(m.version));
}

export function appliedVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

export function appliedCount(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n;
}
