import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/index.ts';

/**
 * The conversation list's columns after committed messages, as data: computed on the main
^ * thread (social/list-activity.ts: the preview needs people's names) and written by the group commit
 * that stores the messages, wherever that transaction runs (the commit worker's own connection).
 */
export interface ListColumns {
  conversationId: string;
  /** Preview of the newest message in display order, already shortened. */
  preview: string;
  senderId: string;
  /** When the messages were committed (ms): the last message's time and the last activity. */
  at: number;
  /** Messages this adds to the conversation's count. */
  count: number;
}

type RecordArgs = [string, string, number, number, number, string];
const statements = new WeakMap<Db, Statement<RecordArgs>>();

/** Writes the columns (one UPDATE per conversation); the caller's transaction makes it atomic with the messages. */
export function writeListColumns(db: Db, rows: readonly ListColumns[]): void {
  let record = statements.get(db);
  if (!record) {
    record = db.prepare<RecordArgs>(
      `UPDATE conversations SET last_message_preview = ?, last_message_sender_id = ?, last_message_at = ?,
           last_activity_at = ?, message_count = message_count + ? WHERE id = ?`,
    );
    statements.set(db, record);
  }
  for (const row of rows)
    record.run(row.preview, row.senderId, row.at, row.at, row.count, row.conversationId);
}

/**
 * One row per conversation for a batch: the counts add up and the newest row's preview wins
 * (every row of a batch is computed when the batch is cut, so they name the same newest message).
 */
export function mergeListColumns(rows: readonly ListColumns[]): ListColumns[] {
  const merged = new Map<string, ListColumns>();
  for (const row of rows) {
    const before = merged.get(row.conversationId);
    merged.set(row.conversationId, before ? { ...row, count: before.count + row.count } : row);
  }
  return [...merged.values()];
}
