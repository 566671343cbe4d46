import type { OAuthProviderId } from '@messenjo/shared';
import type { Sql } from '../../db/index.ts';

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
  constructor(private readonly db: Sql) {}

  async find(provider: OAuthProviderId, subject: string): Promise<OAuthIdentity | null> {
    const row = await this.db.get<Row>('SELECT * FROM oauth_identities WHERE provider = ? AND subject = ?', [
      provider,
      subject,
    ]);
    return row ? toIdentity(row) : null;
  }

  async listForUser(userId: string, q: Sql = this.db): Promise<OAuthIdentity[]> {
    const rows = await q.all<Row>(
      'SELECT * FROM oauth_identities WHERE user_id = ? ORDER BY created_at, provider',
      [userId],
    );
    return rows.map(toIdentity);
  }

  async link(identity: Omit<OAuthIdentity, 'lastUsedAt'>, q: Sql = this.db): Promise<void> {
    await q.run(
      'INSERT INTO oauth_identities (provider, subject, user_id, label, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)',
      [
        identity.provider,
        identity.subject,
        identity.userId,
        identity.label,
        identity.createdAt,
        identity.createdAt,
      ],
    );
  }

  async recordUse(provider: OAuthProviderId, subject: string, at: number): Promise<void> {
    await this.db.run('UPDATE oauth_identities SET last_used_at = ? WHERE provider = ? AND subject = ?', [
      at,
      provider,
      subject,
    ]);
  }

  async unlink(userId: string, provider: string, q: Sql = this.db): Promise<boolean> {
    const result = await q.run('DELETE FROM oauth_identities WHERE user_id = ? AND provider = ?', [
      userId,
      provider,
    ]);
    return result.changes > 0;
  }
}
