import type { Migration } from './migration.ts';

/**
 * Attachment blobs (issue 17; docs/attachments.md, "Storage"). The bytes are files under
 * DATA_DIR/blobs named by their hash; these tables say who may fetch them and when they go:
 *
 * - `blobs`: one row per stored ciphertext, its id the SHA-256 the server verified.
 *   `unreferenced_since` is set while no message references it (from the upload on, and again
 *   once its last reference goes); past the grace period the bytes are freed.
 * - `blob_uploads`: who uploaded a blob for which conversation (a blob uploaded twice is stored
 *   once and has two rows). The uploader's quota counts her distinct blobs; the conversation's
 *   current members may fetch it before the message that references it is committed.
 * - `blob_refs`: the committed messages referencing a blob (the sync engine adds them after a
 *   commit and drops them when the message or the conversation is deleted).
 * - `uploads`: tus uploads in progress, tied to the uploader, the conversation and the hash
 *   claimed; their declared lengths count against the quota until they finish or expire.
 *
 * The SQL beside it (attachments/blob-store.ts) runs on both engines; PostgreSQL has the same
 * tables in its own DDL (db/postgres-migrations.ts, version 70).
 */
export const m0070Attachments: Migration = {
  version: 70,
  name: 'attachments',
  up(db) {
    db.exec(`
      CREATE TABLE blobs (
        id                  TEXT PRIMARY KEY,
        size                INTEGER NOT NULL,
        created_at          INTEGER NOT NULL,
        unreferenced_since  INTEGER
      ) STRICT;
      CREATE INDEX blobs_unreferenced ON blobs(unreferenced_since);
      CREATE TABLE blob_uploads (
        blob_id          TEXT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
        user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        created_at       INTEGER NOT NULL,
        PRIMARY KEY (blob_id, user_id, conversation_id)
      ) STRICT;
      CREATE INDEX blob_uploads_user ON blob_uploads(user_id);
      CREATE TABLE blob_refs (
        blob_id          TEXT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
        conversation_id  TEXT NOT NULL,
        message_id       TEXT NOT NULL,
        PRIMARY KEY (blob_id, conversation_id, message_id)
      ) STRICT;
      CREATE INDEX blob_refs_message ON blob_refs(conversation_id, message_id);
      CREATE TABLE uploads (
        id               TEXT PRIMARY KEY,
        user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        blob_id          TEXT NOT NULL,
        length           INTEGER NOT NULL,
        created_at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX uploads_user ON uploads(user_id);
    `);
  },
};
