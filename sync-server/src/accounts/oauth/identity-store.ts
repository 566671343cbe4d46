import type { OAuthProviderId } from '@messenjo/shared';
import type { Db } from '../../db/index.ts';

export interface OAuthIdentity {
  provider: OAuthProviderId;
  subject: string;
  userId: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

interface Row {
  provider: OAuthProviderId;
  subject: string;
  user_id: string;
  label: string;
  created_at: number;
  last_used_at: number | null;
}

const toIdentity = (r: Row): OAuthIdentity => ({
  provider: r.provider,
  subject: r.subject,
  userId: r.user_id,
  label: r.label,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

/** Accounts at GitHub, Google or the OIDC provider linked to ours: one per provider per user. */
export class IdentityStore {
  constructor(private readonly db: Db) {}

  find(provider: OAuthProviderId, subject: string): OAuthIdentity | null {
    const row = this.db
      .prepare('SELECT * FROM oauth_identities WHERE provider = ? AND subject = ?')
      .get(provider, subject) as Row | undefined;
    return row ? toIdentity(row) : null;
  }

  listForUser(userId: string): OAuthIdentity[] {
    return (
      this.db
        .prepare('SELECT * FROM oauth_identities WHERE user_id = ? ORDER BY created_at')
        .all(userId) as Row[]
    ).map(toIdentity);
  }

  link(identity: Omit<OAuthIdentity, 'lastUsedAt'>): void {
    this.db
      .prepare(
        'INSERT INTO oauth_identities (provider, subject, user_id, label, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        identity.provider,
        identity.subject,
        identity.userId,
        identity.label,
        identity.createdAt,
        identity.createdAt,
      );
  }

  recordUse(provider: OAuthProviderId, subject: string, at: number): void {
    this.db
      .prepare('UPDATE oauth_identities SET last_used_at = ? WHERE provider = ? AND subject = ?')
      .run(at, provider, subject);
  }

  unlink(userId: string, provider: string): boolean {
    return (
      this.db.prepare('DELETE FROM oauth_identities WHERE user_id = ? AND provider = ?').run(userId, provider)
        .changes > 0
    );
  }
}
