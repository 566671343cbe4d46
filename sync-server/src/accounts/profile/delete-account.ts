import type { Accounts } from '../accounts.ts';
import type { Pictures } from '../media/pictures.ts';

/**
 * Deletes an account: its sign-in methods, sessions (each announced, so sockets close),
 * picture and profile go; the users row stays with deleted_at so the person's messages show
 * "deleted user" to the other members.
 */
export function deleteAccount(accounts: Accounts, pictures: Pictures, userId: string): void {
  const user = accounts.users.get(userId);
  if (!user) return;
  accounts.db
    .transaction(() => {
      accounts.db.prepare('DELETE FROM passkey_credentials WHERE user_id = ?').run(userId);
      accounts.db.prepare('DELETE FROM oauth_identities WHERE user_id = ?').run(userId);
      accounts.sessions.revokeAllExcept(userId, null);
      accounts.db
        .prepare(
          `UPDATE users SET username = NULL, username_key = NULL, display_name = '', picture_media_id = NULL,
           suggested_username = NULL, is_admin = 0, deleted_at = ? WHERE id = ?`,
        )
        .run(accounts.now(), userId);
    })
    .immediate();
  // Files go after the rows: a crash in between leaves an orphan file, never a dangling row.
  if (user.pictureMediaId) pictures.release(user.pictureMediaId);
  accounts.bus.publish({ type: 'user.deleted', userId });
}
