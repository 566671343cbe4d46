import type { ReadPosition } from '@messenjo/shared';
import { dayKey, dayLabel } from './time-labels.ts';
import type { ChatMessage } from './types.ts';

/** A row of the virtualized list. Keys are stable, so prepending older history keeps rows in place. */
export type ChatRow =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: 'unread' }
  | {
      kind: 'message';
      key: string;
      message: ChatMessage;
      /** Position in the loaded timeline. */
      index: number;
      own: boolean;
      /** First of consecutive messages by one sender: shows the name. */
      firstOfGroup: boolean;
      /** Last of them: shows the avatar and time. */
      lastOfGroup: boolean;
    };

/** Consecutive messages of one sender further apart than this start a new group. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

function sameGroup(a: ChatMessage, b: ChatMessage): boolean {
  return (
    a.author === b.author &&
    !a.system &&
    !b.system &&
    dayKey(a.sentAt) === dayKey(b.sentAt) &&
    Math.abs(b.sentAt - a.sentAt) <= GROUP_GAP_MS
  );
}

/**
 * The list's rows: a separator at each new day, the "New messages" divider before
 * `unreadFromId`, and each message with whether it starts or ends a run by its sender.
 */
export function buildRows(
  messages: readonly ChatMessage[],
  options: { meId: string; unreadFromId?: string | undefined; now?: number },
): ChatRow[] {
  const rows: ChatRow[] = [];
  let previousDay = '';
  messages.forEach((message, index) => {
    const day = dayKey(message.sentAt);
    const before = messages[index - 1];
    const after = messages[index + 1];
    const unreadHere = message.id === options.unreadFromId;
    if (day !== previousDay) {
      rows.push({ kind: 'day', key: `day:${day}`, label: dayLabel(message.sentAt, options.now) });
      previousDay = day;
    }
    if (unreadHere) rows.push({ kind: 'unread', key: 'unread' });
    const nextBreaksGroup = after !== undefined && after.id === options.unreadFromId;
    rows.push({
      kind: 'message',
      key: message.id,
      message,
      index,
      own: message.author === options.meId,
      firstOfGroup: unreadHere || before === undefined || !sameGroup(before, message),
      lastOfGroup: nextBreaksGroup || after === undefined || !sameGroup(message, after),
    });
  });
  return rows;
}

/**
 * The first message after the read position that someone else wrote: where the conversation
 * opens, under a "New messages" divider. Undefined when nothing is unread. Without a read
 * position everything loaded is unread; a position in a segment older than those loaded
 * means everything loaded came after it.
 */
export function firstUnreadId(
  messages: readonly ChatMessage[],
  position: ReadPosition | undefined,
  meId: string,
): string | undefined {
  let from = 0;
  if (position !== undefined) {
    const at = messages.findIndex((m) => m.id === position.messageId);
    if (at >= 0) from = at + 1;
    else {
      from = messages.findIndex((m) => m.segment > position.segment);
      if (from < 0) return undefined;
    }
  }
  for (let i = from; i < messages.length; i++) {
    const m = messages[i];
    if (m && m.author !== meId && !m.system) return m.id;
  }
  return undefined;
}

/** Index of the row a message id is on, or -1. */
export function rowIndexOf(rows: readonly ChatRow[], messageId: string): number {
  return rows.findIndex((row) => row.kind === 'message' && row.message.id === messageId);
}

/**
 * How many rows were put before the rows that were first: the amount the virtualized list's
 * first index must move so prepended history does not shift what is on screen.
 */
export function prependedCount(previous: readonly ChatRow[], next: readonly ChatRow[]): number {
  const anchor = previous.find((row) => row.kind === 'message');
  if (!anchor) return 0;
  const was = previous.indexOf(anchor);
  const now = next.findIndex((row) => row.key === anchor.key);
  return now < 0 ? 0 : Math.max(0, now - was);
}
