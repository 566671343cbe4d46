import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { InviteInfo } from '@messenjo/shared';
import type { Db } from '../db/index.ts';
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
    private readonly db: Db,
    private readonly users: UserStore,
    readonly policy: RegistrationPolicy,
    private readonly now: () => number,
  ) {}

  /** Throws unless an account may be created now with this invite code. Does not use the invite. */
  check(inviteCode: string | undefined): void {
    if (this.policy === 'open' || this.users.isFreshServer()) return;
    if (!inviteCode) throw refuse.inviteRequired();
    if (!this.findUsable(inviteCode)) throw refuse.invalidInvite();
  }

  /**
   * Marks the invite used by the new account, inside the caller's transaction, so two people
   * racing with one invite cannot both get in. The first account of a server needs none.
   */
  consume(inviteCode: string | undefined, user: { id: string; isAdmin: boolean }): void {
    if (this.policy === 'open' || user.isAdmin) return;
    const now = this.now();
    const result = this.db
      .prepare(
        'UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_at IS NULL AND expires_at > ?',
      )
      .run(user.id, now, inviteCode ?? '', now);
    if (result.changes === 0) throw refuse.invalidInvite();
  }

  create(adminId: string, publicUrl: URL): InviteInfo {
    const code = encodeBase32LowerCaseNoPadding(randomBytes(15));
    const now = this.now();
    this.db
      .prepare('INSERT INTO invites (code, created_by, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(code, adminId, now, now + INVITE_LIFETIME_MS);
    return {
      code,
      url: inviteUrl(publicUrl, code),
      createdAt: now,
      expiresAt: now + INVITE_LIFETIME_MS,
      usedAt: null,
    };
  }

  list(publicUrl: URL): InviteInfo[] {
    const rows = this.db.prepare('SELECT * FROM invites ORDER BY created_at DESC').all() as InviteRow[];
    return rows.map((r) => ({
      code: r.code,
      url: inviteUrl(publicUrl, r.code),
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      usedAt: r.used_at,
    }));
  }

  private findUsable(code: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM invites WHERE code = ? AND used_at IS NULL AND expires_at > ?')
        .get(code, this.now()) !== undefined
    );
  }
}

function inviteUrl(publicUrl: URL, code: string): string {
  return `${publicUrl.origin}/signin?invite=${code}`;
}
