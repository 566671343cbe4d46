import type { ListColumns } from '../sync/store/list-columns.ts';
import type { Sql } from './sql.ts';

/**
 * The conversation list's columns written through the storage port: the same UPDATE as
 * `writeListColumns` (better-sqlite3, inside the commit worker's transaction), for a store whose
 * conversations live in PostgreSQL.
 */
export async function writeListColumnsSql(q: Sql, rows: readonly ListColumns[]): Promise<void> {
  for (const row of rows) {
    await q.run(
      `UPDATE conversations SET last_message_preview = ?, last_message_sender_id = ?, last_message_at = ?,
         last_activity_at = ?, message_count = message_count + ? WHERE id = ?`,
      [row.preview, row.senderId, row.at, row.at, row.count, row.conversationId],
    );
  }
}
