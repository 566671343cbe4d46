import { transact } from '../../events/after-commit.ts';
import type { Accounts } from '../accounts.ts';
import type { Pictures } from '../media/pictures.ts';

/**
 * Deletes an account: its sign-in methods, sessions (each announced, so sockets close),
 * picture and profile go; the users row stays with deleted_at so the person's messages show
 * "deleted user" to the other members.
 */
export async function deleteAccount(accounts: Accounts, pictures: Pictures, userId: string): Promise<void> {
  const user = await accounts.users.get(userId);
  if (!user) return;
  // The sessions' revocations are announced after the commit, like every change.
  await transact(accounts.db, accounts.bus, async (tx, emit) => {
    await tx.run('DELETE FROM passkey_credentials WHERE user_id = ?', [userId]);
    await tx.run('DELETE FROM oauth_identities WHERE user_id = ?', [userId]);
    await accounts.sessions.revokeAllExcept(userId, null, tx, emit);
    await tx.run(
      `UPDATE users SET username = NULL, username_key = NULL, display_name = '', picture_media_id = NULL,
       suggested_username = NULL, is_admin = 0, deleted_at = ? WHERE id = ?`,
      [accounts.now(), userId],
    );
  });
  // Files go after the rows: a crash in between leaves an orphan file, never a dangling row.
  if (user.pictureMediaId) await pictures.release(user.pictureMediaId);
  accounts.bus.publish({ type: 'user.deleted', userId });
}
