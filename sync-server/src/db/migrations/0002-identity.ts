import type { Migration } from './migration.ts';

/**
 * Identity core: users and their sessions. Sign-in methods, pictures and invites (accounts)
 * and conversations (sync, social) add their own migrations in their own number ranges:
 * accounts 10–19, sync 20–39, social 40–59.
 */
export const m0002Identity: Migration = {
  version: 2,
  name: 'identity',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        -- NULL until chosen at first sign-in; unique case-insensitively through username_key.
        username      TEXT,
        username_key  TEXT UNIQUE,
        display_name  TEXT NOT NULL DEFAULT '',
        is_admin      INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL,
        -- Set when the account is deleted: the row stays so messages can show "deleted user".
        deleted_at    INTEGER
      ) STRICT;

      -- Only the SHA-256 of the session token is stored (hex), never the token.
      CREATE TABLE sessions (
        id              TEXT PRIMARY KEY,
        user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at      INTEGER NOT NULL,
        expires_at      INTEGER NOT NULL,
        last_active_at  INTEGER NOT NULL,
        user_agent      TEXT NOT NULL DEFAULT ''
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions(user_id);
    `);
  },
};
