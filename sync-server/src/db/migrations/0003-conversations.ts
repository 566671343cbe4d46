import type { Migration } from './migration.ts';

/**
 * Conversations and who belongs to them: the server's authority for who may read and write
 * which documents. The sync engine reads memberships (batch subscribe, live unsubscribe); the
 * social graph (friends, groups) writes them. The list columns (last message preview, time,
 * count) let the conversation list render without loading a single document.
 */
export const m0003Conversations: Migration = {
  version: 3,
  name: 'conversations',
  up(db) {
    db.exec(`
      CREATE TABLE conversations (
        id                     TEXT PRIMARY KEY,
        kind                   TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
        -- Groups only; a direct conversation is named after the other person.
        name                   TEXT,
        picture_media_id       TEXT,
        -- Direct only: "<smaller user id>:<larger user id>", so a pair has exactly one.
        direct_key             TEXT UNIQUE,
        -- Groups: who may add members ('members' or 'admins').
        add_members_policy     TEXT NOT NULL DEFAULT 'members' CHECK (add_members_policy IN ('members', 'admins')),
        created_by             TEXT REFERENCES users(id),
        created_at             INTEGER NOT NULL,
        -- Set when the last member left a group: nobody can write to it any more.
        ended_at               INTEGER,
        last_activity_at       INTEGER NOT NULL,
        last_message_preview   TEXT,
        last_message_sender_id TEXT,
        last_message_at        INTEGER,
        message_count          INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE memberships (
        conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        joined_at        INTEGER NOT NULL,
        -- NULL while a member. Set on leaving or removal: the user keeps what they had, read-only.
        left_at          INTEGER,
        PRIMARY KEY (conversation_id, user_id)
      ) STRICT;
      CREATE INDEX memberships_by_user ON memberships(user_id, left_at);
    `);
  },
};
