import type { Migration } from './migration.ts';

/** The first schema: server metadata. Later features add their own numbered migrations. */
export const m0001Init: Migration = {
  version: 1,
  name: 'init',
  up(db) {
    db.exec(`
      CREATE TABLE server_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
    db.prepare('INSERT INTO server_meta (key, value) VALUES (?, ?)').run(
      'created_at',
      new Date().toISOString(),
    );
  },
};
