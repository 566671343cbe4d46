import type { Sql } from '../db/index.ts';
import { newId } from '../ids.ts';
import type { Emit } from './transaction.ts';

/** The key that makes a pair's direct conversation unique, whatever the order of the two ids. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * Returns the pair's direct conversation, creating it the first time. Called inside the
 * transaction that makes two users friends; the UNIQUE direct_key makes "exactly once" hold
 * whatever runs at the same time (on PostgreSQL, a second process inserting the same key waits
 * for the first and then does nothing). Both users are (again) members afterwards, so friends
 * who were removed and re-added find their old history.
 */
export async function ensureDirectConversation(
  tx: Sql,
  emit: Emit,
  a: string,
  b: string,
  now: number,
): Promise<string> {
  const key = directKey(a, b);
  await tx.run(
    `INSERT INTO conversations (id, kind, direct_key, created_by, created_at, last_activity_at)
     VALUES (?, 'direct', ?, ?, ?, ?) ON CONFLICT(direct_key) DO NOTHING`,
    [newId('c'), key, a, now, now],
  );
  const { id } = (await tx.get<{ id: string }>('SELECT id FROM conversations WHERE direct_key = ?', [key]))!;
  for (const userId of [a, b]) {
    // RETURNING yields a row only when a membership was created or reopened.
    const joined = await tx.get(
      `INSERT INTO memberships (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)
       ON CONFLICT(conversation_id, user_id) DO UPDATE SET left_at = NULL WHERE memberships.left_at IS NOT NULL
       RETURNING user_id`,
      [id, userId, now],
    );
    if (joined) emit({ type: 'membership.changed', conversationId: id, userId, change: 'added' });
  }
  return id;
}
