/**
 * The PostgreSQL schema, in the same versions and feature ranges as SQLite's (core 1–9, accounts
 * 10–19, sync 20–39, social 40–59; push 60–69, attachments 70–79): the same tables and columns,
 * so the stores' SQL runs on both and the copy command moves rows as they are. Differences:
 * `bigint` for milliseconds, `bytea` for bytes, and `COLLATE "C"` where the code compares or
 * ranges over text (a username prefix scan, `user_a < user_b`), which must be byte order as in
 * SQLite whatever the database's own collation. Append only: a released version never changes.
 * The document store's tables (sync range, version 20) are the same as SQLite's; version 23
 * partitions two of them, a PostgreSQL-only step (SQLite skips the number).
 */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
      CREATE TABLE server_meta (
        key   text PRIMARY KEY,
        value text NOT NULL
      );
      INSERT INTO server_meta (key, value)
        VALUES ('created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
    `,
  },
  {
    version: 2,
    name: 'identity',
    sql: `
      CREATE TABLE users (
        id            text PRIMARY KEY,
        username      text,
        username_key  text COLLATE "C" UNIQUE,
        display_name  text NOT NULL DEFAULT '',
        is_admin      smallint NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
        created_at    bigint NOT NULL,
        deleted_at    bigint
      );
      CREATE TABLE sessions (
        id              text PRIMARY KEY,
        user_id         text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at      bigint NOT NULL,
        expires_at      bigint NOT NULL,
        last_active_at  bigint NOT NULL,
        user_agent      text NOT NULL DEFAULT ''
      );
      CREATE INDEX sessions_by_user ON sessions(user_id);
    `,
  },
  {
    version: 3,
    name: 'conversations',
    sql: `
      CREATE TABLE conversations (
        id                     text PRIMARY KEY,
        kind                   text NOT NULL CHECK (kind IN ('direct', 'group')),
        name                   text,
        picture_media_id       text,
        direct_key             text UNIQUE,
        add_members_policy     text NOT NULL DEFAULT 'members' CHECK (add_members_policy IN ('members', 'admins')),
        created_by             text REFERENCES users(id),
        created_at             bigint NOT NULL,
        ended_at               bigint,
        last_activity_at       bigint NOT NULL,
        last_message_preview   text,
        last_message_sender_id text,
        last_message_at        bigint,
        message_count          bigint NOT NULL DEFAULT 0,
        -- The conversation's update log head: the PostgreSQL document store takes sequence
        -- numbers here (UPDATE … SET head_seq = head_seq + n RETURNING), serialising the writers
        -- of one conversation only.
        head_seq               bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE memberships (
        conversation_id  text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id          text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role             text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        joined_at        bigint NOT NULL,
        left_at          bigint,
        PRIMARY KEY (conversation_id, user_id)
      );
      CREATE INDEX memberships_by_user ON memberships(user_id, left_at);
    `,
  },
  {
    version: 10,
    name: 'accounts',
    sql: `
      CREATE TABLE passkey_credentials (
        id             text PRIMARY KEY,
        user_id        text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        webauthn_user  text NOT NULL,
        public_key     bytea NOT NULL,
        counter        bigint NOT NULL,
        transports     text NOT NULL DEFAULT '[]',
        name           text NOT NULL DEFAULT '',
        created_at     bigint NOT NULL,
        last_used_at   bigint
      );
      CREATE INDEX passkeys_by_user ON passkey_credentials(user_id);
      CREATE TABLE oauth_identities (
        provider      text NOT NULL,
        subject       text NOT NULL,
        user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        label         text NOT NULL DEFAULT '',
        created_at    bigint NOT NULL,
        last_used_at  bigint,
        PRIMARY KEY (provider, subject),
        UNIQUE (user_id, provider)
      );
      CREATE TABLE auth_flows (
        id          text PRIMARY KEY,
        kind        text NOT NULL,
        payload     text NOT NULL,
        expires_at  bigint NOT NULL
      );
      CREATE INDEX auth_flows_by_expiry ON auth_flows(expires_at);
      CREATE TABLE invites (
        code        text PRIMARY KEY,
        created_by  text NOT NULL REFERENCES users(id),
        created_at  bigint NOT NULL,
        expires_at  bigint NOT NULL,
        used_by     text REFERENCES users(id),
        used_at     bigint
      );
      CREATE TABLE media (
        id          text PRIMARY KEY,
        owner_id    text NOT NULL REFERENCES users(id),
        hash        text NOT NULL,
        created_at  bigint NOT NULL
      );
      CREATE INDEX media_by_hash ON media(hash);
      ALTER TABLE users ADD COLUMN picture_media_id text REFERENCES media(id);
      ALTER TABLE users ADD COLUMN suggested_username text;
    `,
  },
  {
    version: 20,
    name: 'document-store',
    // The sync engine's document store (sync/store/postgres-doc-store.ts), the same tables as
    // SQLite's migration 20: an append-only log per document, a snapshot replacing the log it
    // covers, the user each Yjs client id belongs to, the newest segment per conversation.
    sql: `
      CREATE TABLE doc_log (
        doc_id      text NOT NULL,
        seq         bigint NOT NULL,
        data        bytea NOT NULL,
        user_id     text NOT NULL,
        created_at  bigint NOT NULL,
        PRIMARY KEY (doc_id, seq)
      );
      CREATE TABLE doc_snapshots (
        doc_id      text PRIMARY KEY,
        seq         bigint NOT NULL,
        data        bytea NOT NULL,
        updated_at  bigint NOT NULL
      );
      CREATE TABLE doc_clients (
        doc_id      text NOT NULL,
        client_id   bigint NOT NULL,
        user_id     text NOT NULL,
        PRIMARY KEY (doc_id, client_id)
      );
      CREATE TABLE conversation_segments (
        conversation_id  text PRIMARY KEY,
        latest_segment   bigint NOT NULL
      );
    `,
  },
  {
    version: 21,
    name: 'doc-heads',
    // SQLite's migration 21: the head row per document where a batch takes its sequence numbers
    // (the row lock serialises the writers of one document only, whatever process they run in).
    // Per document, not per conversation: sequence numbers, heads and catch-up are per document
    // (a segment or a private document), so the head_seq column of version 3 stays unused.
    sql: `
      CREATE TABLE doc_heads (
        doc_id    text PRIMARY KEY,
        head_seq  bigint NOT NULL
      );
      INSERT INTO doc_heads (doc_id, head_seq)
        SELECT doc_id, max(seq) FROM (
          SELECT doc_id, max(seq) AS seq FROM doc_log GROUP BY doc_id
          UNION ALL SELECT doc_id, seq FROM doc_snapshots
        ) AS stored GROUP BY doc_id;
    `,
  },
  {
    version: 22,
    name: 'doc-update-ids',
    // SQLite's migration 22 (SEQ3): each stored update's id, its number and a digest of its bytes,
    // kept after compaction, so a retry on any process is answered with its first number.
    sql: `
      CREATE TABLE doc_update_ids (
        doc_id     text NOT NULL,
        update_id  bytea NOT NULL,
        seq        bigint NOT NULL,
        digest     bytea NOT NULL,
        PRIMARY KEY (doc_id, update_id)
      );
    `,
  },
  {
    version: 23,
    name: 'doc-log-partitions',
    // PostgreSQL only (SQLite has no partitions, and no version 23: a number skipped there):
    // the update log and the update ids, the two tables that grow with every message, split by
    // a hash of the document id into 16 partitions. Every query of theirs names its documents,
    // so it reads only their partitions; each partition is vacuumed and indexed on its own, and
    // its primary key index stays a 16th of the size. A populated database is moved in this
    // migration's transaction: the tables are renamed, recreated partitioned and filled from
    // the old ones (the log is locked meanwhile: a deployment with a long log upgrades with its
    // processes stopped for that long). The partitions' primary keys are named
    // doc_log_p<n>_pkey and doc_update_ids_p<n>_pkey (\`isUpdateIdRace\`).
    sql: `
      ALTER TABLE doc_log RENAME TO doc_log_unpartitioned;
      ALTER TABLE doc_log_unpartitioned RENAME CONSTRAINT doc_log_pkey TO doc_log_unpartitioned_pkey;
      CREATE TABLE doc_log (
        doc_id      text NOT NULL,
        seq         bigint NOT NULL,
        data        bytea NOT NULL,
        user_id     text NOT NULL,
        created_at  bigint NOT NULL,
        PRIMARY KEY (doc_id, seq)
      ) PARTITION BY HASH (doc_id);
      ALTER TABLE doc_update_ids RENAME TO doc_update_ids_unpartitioned;
      ALTER TABLE doc_update_ids_unpartitioned
        RENAME CONSTRAINT doc_update_ids_pkey TO doc_update_ids_unpartitioned_pkey;
      CREATE TABLE doc_update_ids (
        doc_id     text NOT NULL,
        update_id  bytea NOT NULL,
        seq        bigint NOT NULL,
        digest     bytea NOT NULL,
        PRIMARY KEY (doc_id, update_id)
      ) PARTITION BY HASH (doc_id);
      DO $$
      BEGIN
        FOR i IN 0..15 LOOP
          EXECUTE format('CREATE TABLE doc_log_p%s PARTITION OF doc_log FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
          EXECUTE format('CREATE TABLE doc_update_ids_p%s PARTITION OF doc_update_ids FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
        END LOOP;
      END $$;
      INSERT INTO doc_log (doc_id, seq, data, user_id, created_at)
        SELECT doc_id, seq, data, user_id, created_at FROM doc_log_unpartitioned;
      INSERT INTO doc_update_ids (doc_id, update_id, seq, digest)
        SELECT doc_id, update_id, seq, digest FROM doc_update_ids_unpartitioned;
      DROP TABLE doc_log_unpartitioned;
      DROP TABLE doc_update_ids_unpartitioned;
    `,
  },
  {
    version: 40,
    name: 'social',
    sql: `
      CREATE TABLE friend_requests (
        from_user_id  text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        to_user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at    bigint NOT NULL,
        PRIMARY KEY (from_user_id, to_user_id),
        CHECK (from_user_id <> to_user_id)
      );
      CREATE INDEX friend_requests_to ON friend_requests(to_user_id);
      CREATE TABLE friendships (
        user_a          text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        user_b          text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        conversation_id text NOT NULL REFERENCES conversations(id),
        created_at      bigint NOT NULL,
        PRIMARY KEY (user_a, user_b),
        CHECK (user_a < user_b)
      );
      CREATE INDEX friendships_b ON friendships(user_b);
      CREATE TABLE blocks (
        blocker_id  text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blocked_id  text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at  bigint NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id),
        CHECK (blocker_id <> blocked_id)
      );
      CREATE INDEX blocks_blocked ON blocks(blocked_id);
    `,
  },
  {
    version: 41,
    name: 'membership-removed-by',
    sql: `ALTER TABLE memberships ADD COLUMN removed_by text REFERENCES users(id) ON DELETE SET NULL;`,
  },
  {
    version: 42,
    name: 'group-name-changed-at',
    sql: `ALTER TABLE conversations ADD COLUMN name_changed_at bigint;`,
  },
  {
    version: 60,
    name: 'push',
    sql: `
      CREATE TABLE push_subscriptions (
        session_id  text PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        endpoint    text NOT NULL UNIQUE,
        p256dh      text NOT NULL,
        auth        text NOT NULL,
        created_at  bigint NOT NULL
      );
      CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);
    `,
  },
  {
    version: 70,
    name: 'attachments',
    sql: `
      CREATE TABLE blobs (
        id                  text PRIMARY KEY,
        size                bigint NOT NULL,
        created_at          bigint NOT NULL,
        unreferenced_since  bigint
      );
      CREATE INDEX blobs_unreferenced ON blobs(unreferenced_since);
      CREATE TABLE blob_uploads (
        blob_id          text NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
        user_id          text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        conversation_id  text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        created_at       bigint NOT NULL,
        PRIMARY KEY (blob_id, user_id, conversation_id)
      );
      CREATE INDEX blob_uploads_user ON blob_uploads(user_id);
      CREATE TABLE blob_refs (
        blob_id          text NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
        conversation_id  text NOT NULL,
        message_id       text NOT NULL,
        PRIMARY KEY (blob_id, conversation_id, message_id)
      );
      CREATE INDEX blob_refs_message ON blob_refs(conversation_id, message_id);
      CREATE TABLE uploads (
        id               text PRIMARY KEY,
        user_id          text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        conversation_id  text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        blob_id          text NOT NULL,
        length           bigint NOT NULL,
        created_at       bigint NOT NULL
      );
      CREATE INDEX uploads_user ON uploads(user_id);
    `,
  },
];
