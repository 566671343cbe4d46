import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { InviteInfo } from '@messenjo/shared';
import type { Sql } from '../db/index.ts';
import type { RegistrationPolicy } from './config.ts';
import { refuse } from './refusals.ts';
import type { UserStore } from './users.ts';

const INVITE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

interface InviteRow {
  code: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/**
 * Who may create an account: everyone on an open server; on an invite-only one, holders of an
 * unused invite made by an admin, and the very first person (who becomes the admin).
 */
export class Registration {
  constructor(
    private readonly db: Sql,
    private readonly users: UserStore,
    readonly policy: RegistrationPolicy,
    private readonly now: () => number,
  ) {}

  /** Throws unless an account may be created now with this invite code. Does not use the invite. */
  async check(inviteCode: string | undefined, q: Sql = this.db): Promise<void> {
    if (this.policy === 'open' || (await this.users.isFreshServer(q))) return;
    if (!inviteCode) throw refuse.inviteRequired();
    if (!(await this.findUsable(inviteCode, q))) throw refuse.invalidInvite();
  }

  /**
   * Marks the invite used by the new account, inside the caller's transaction, so two people
   * racing with one invite cannot both get in (the conditional UPDATE: on PostgreSQL the second
   * waits for the first's row and then finds it used). The first account of a server needs none.
   */
  async consume(
    inviteCode: string | undefined,
    user: { id: string; isAdmin: boolean },
    q: Sql = this.db,
  ): Promise<void> {
    if (this.policy === 'open' || user.isAdmin) return;
    const now = this.now();
    const result = await q.run(
      'UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_at IS NULL AND expires_at > ?',
      [user.id, now, inviteCode ?? '', now],
    );
    if (result.changes === 0) throw refuse.invalidInvite();
  }

  async create(adminId: string, publicUrl: URL): Promise<InviteInfo> {
    const code = encodeBase32LowerCaseNoPadding(randomBytes(15));
    const now = this.now();
    await this.db.run('INSERT INTO invites (code, created_by, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      code,
      adminId,
      now,
      now + INVITE_LIFETIME_MS,
    ]);
    return {
      code,
      url: inviteUrl(publicUrl, code),
      createdAt: now,
      expiresAt: now + INVITE_LIFETIME_MS,
      usedAt: null,
    };
  }

  async list(publicUrl: URL): Promise<InviteInfo[]> {
    const rows = await this.db.all<InviteRow>('SELECT * FROM invites ORDER BY created_at DESC, code');
    return rows.map((r) => ({
      code: r.code,
      url: inviteUrl(publicUrl, r.code),
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      usedAt: r.used_at,
    }));
  }

  private async findUsable(code: string, q: Sql): Promise<boolean> {
    const row = await q.get(
      'SELECT 1 AS one FROM invites WHERE code = ? AND used_at IS NULL AND expires_at > ?',
      [code, this.now()],
    );
    return row !== undefined;
  }
}

function inviteUrl(publicUrl: URL, code: string): string {
  return `${publicUrl.origin}/signin?invite=${code}`;
}
