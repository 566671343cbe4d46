import type { Migration } from './migration.ts';

/**
 * Accounts: the ways into an account (passkeys, linked OAuth/OIDC identities), short-lived
 * sign-in flows (WebAuthn challenges), invites, and uploaded media (profile and group pictures).
 */
export const m0010Accounts: Migration = {
  version: 10,
  name: 'accounts',
  up(db) {
    db.exec(`
      CREATE TABLE passkey_credentials (
        -- The credential id (base64url) the authenticator chose.
        id             TEXT PRIMARY KEY,
        user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        -- The WebAuthn user handle this credential was made for (base64url).
        webauthn_user  TEXT NOT NULL,
        public_key     BLOB NOT NULL,
        counter        INTEGER NOT NULL,
        transports     TEXT NOT NULL DEFAULT '[]',
        name           TEXT NOT NULL DEFAULT '',
        created_at     INTEGER NOT NULL,
        last_used_at   INTEGER
      ) STRICT;
      CREATE INDEX passkeys_by_user ON passkey_credentials(user_id);

      -- An account at GitHub, Google or the OIDC provider, linked to one of ours.
      CREATE TABLE oauth_identities (
        provider      TEXT NOT NULL,
        subject       TEXT NOT NULL,
        user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        label         TEXT NOT NULL DEFAULT '',
        created_at    INTEGER NOT NULL,
        last_used_at  INTEGER,
        PRIMARY KEY (provider, subject),
        UNIQUE (user_id, provider)
      ) STRICT;

      -- Single-use, short-lived state of a sign-in in progress (a WebAuthn challenge and what it is for).
      CREATE TABLE auth_flows (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        expires_at  INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE invites (
        code        TEXT PRIMARY KEY,
        created_by  TEXT NOT NULL REFERENCES users(id),
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        used_by     TEXT REFERENCES users(id),
        used_at     INTEGER
      ) STRICT;

      -- A stored picture: its variants are files DATA_DIR/media/<hash>-<size>.webp.
      CREATE TABLE media (
        id          TEXT PRIMARY KEY,
        owner_id    TEXT NOT NULL REFERENCES users(id),
        -- SHA-256 of the 256 px variant: the content-hashed, immutable URL.
        hash        TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      ) STRICT;

      ALTER TABLE users ADD COLUMN picture_media_id TEXT REFERENCES media(id);
      -- What the provider suggested as username at sign-up, offered on the username screen.
      ALTER TABLE users ADD COLUMN suggested_username TEXT;
    `);
  },
};
