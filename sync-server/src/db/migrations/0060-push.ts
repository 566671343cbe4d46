import type { Migration } from './migration.ts';

/**
 * Web Push subscriptions, one per device session: ending the session (sign-out, revocation,
 * account deletion) deletes its subscription with it (ON DELETE CASCADE), so a device that is
 * signed out never gets another push. An endpoint belongs to one session at a time.
 */
export const m0060Push: Migration = {
  version: 60,
  name: 'push',
  up(db) {
    db.exec(`
      CREATE TABLE push_subscriptions (
        session_id  TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        endpoint    TEXT NOT NULL UNIQUE,
        p256dh      TEXT NOT NULL,
        auth        TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);
    `);
  },
};
