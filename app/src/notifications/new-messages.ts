import { SYSTEM_AUTHOR, type PushMessagePayload } from '@messenjo/shared';
import type { ConversationRow } from '../session/index.ts';

/** What the list last showed of a conversation: enough to tell a new message from a repaint. */
export interface Seen {
  lastId: string | null;
  unread: number;
}

/**
 * New messages by someone else, read off two successive conversation lists: a conversation
 * whose last message became another one while its unread count grew. A list row computed for
 * the first time (start, a new device) is not news; an edit keeps the id, a deletion lowers
 * the count, reading lowers it: none of them notify.
 */
export function arrivedMessages(
  seen: Map<string, Seen>,
  rows: readonly ConversationRow[],
  me: string,
): ConversationRow[] {
  const arrived: ConversationRow[] = [];
  for (const row of rows) {
    const local = row.local;
    if (!local) continue;
    const before = seen.get(row.id);
    const now: Seen = { lastId: local.lastMessage?.id ?? null, unread: local.unread };
    seen.set(row.id, now);
    const last = local.lastMessage;
    if (!before || !last || last.id === before.lastId || now.unread <= before.unread) continue;
    if (last.authorId === me || last.authorId === SYSTEM_AUTHOR) continue;
    arrived.push(row);
  }
  return arrived;
}

/** The notification of a row's new last message: the same shape a push has. */
export function notificationOf(row: ConversationRow, senderName: string): PushMessagePayload | undefined {
  const last = row.local?.lastMessage;
  if (!last) return undefined;
  return {
    v: 1,
    kind: 'message',
    title: row.kind === 'group' ? row.name : senderName,
    body: row.kind === 'group' ? `${senderName}: ${last.preview}` : last.preview,
    tag: `conversation:${row.id}`,
    url: `/c/${row.id}`,
    conversationId: row.id,
    at: last.at,
  };
}
