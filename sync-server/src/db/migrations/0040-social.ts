import type { Migration } from './migration.ts';

/**
 * The social graph: friend requests, friendships and blocks. A pair appears once per table:
 * requests are directed (from → to); friendships and blocks are stored with their own
 * direction where it matters (a block is one user's decision) and as an ordered pair where it
 * does not (a friendship is mutual).
 */
export const m0040Social: Migration = {
  version: 40,
  name: 'social',
  up(db) {
    db.exec(`
      CREATE TABLE friend_requests (
        from_user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        to_user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (from_user_id, to_user_id),
        CHECK (from_user_id <> to_user_id)
      ) STRICT;
      CREATE INDEX friend_requests_to ON friend_requests(to_user_id);

      -- user_a < user_b, so a pair has exactly one row.
      CREATE TABLE friendships (
        user_a          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        user_b          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (user_a, user_b),
        CHECK (user_a < user_b)
      ) STRICT;
      CREATE INDEX friendships_b ON friendships(user_b);

      CREATE TABLE blocks (
        blocker_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blocked_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id),
        CHECK (blocker_id <> blocked_id)
      ) STRICT;
      CREATE INDEX blocks_blocked ON blocks(blocked_id);
    `);
  },
};
