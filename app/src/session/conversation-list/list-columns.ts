import {
  describeSystemEntry,
  isSystemMessage,
  messagePreviewText,
  SYSTEM_AUTHOR,
  type ConversationListEntry,
  type EditEntry,
  type MessageEntry,
  type ReadPosition,
  type SystemEntry,
} from '@messenjo/shared';

/**
 * The conversation list's columns computed on the device from the conversation's segment
 * documents and the user's read positions: pure functions over plain values (a Y.Map fits
 * `has`/`get`), so they are unit-tested without Yjs, IndexedDB or React.
 */

/** What the list needs of one loaded segment. */
export interface SegmentMessages {
  index: number;
  messages: readonly MessageEntry[];
  deletions: { has(messageId: string): boolean };
  edits: { get(messageId: string): EditEntry | undefined };
}

export interface LastMessage {
  id: string;
  /** The sender's user id, or "system" for a server-written line. */
  authorId: string;
  preview: string;
  /** The sender's clock: a message written here counts as activity at once, before the server has it. */
  at: number;
}

/** What the device knows beyond the server's list entry. */
export interface LocalColumns {
  lastMessage: LastMessage | null;
  /** Messages by others after the read position: in the open segments, and older ones from the message index. */
  unread: number;
  /** Local changes to the conversation not yet stored by the server. */
  pending: number;
}

/** One row of the list, as stored in the device's index and shown. */
export interface ConversationRow extends ConversationListEntry {
  /** Null until the conversation's newest segment has been read on this device. */
  local: LocalColumns | null;
}

export const PREVIEW_CHARS = 140;

const bySegment = (segments: readonly SegmentMessages[]): SegmentMessages[] =>
  [...segments].sort((a, b) => a.index - b.index);

/**
 * Unread messages: those by someone else (not the user, not a server line, not deleted) after
 * the read position. Segments before the position's segment are read; in its segment, what
 * follows the read message (or, when that message is not found there, what was sent after the
 * position's time); every later segment is unread. Without a position everything is unread.
 */
export function countUnread(
  segments: readonly SegmentMessages[],
  position: ReadPosition | undefined,
  me: string,
): number {
  let unread = 0;
  for (const segment of bySegment(segments)) {
    if (position && segment.index < position.segment) continue;
    let start = 0;
    let after = -Infinity;
    if (position && segment.index === position.segment) {
      const read = segment.messages.findLastIndex((m) => m.id === position.messageId);
      if (read >= 0) start = read + 1;
      else after = position.at;
    }
    for (let i = start; i < segment.messages.length; i++) {
      const m = segment.messages[i]!;
      if (m.author === me || isSystemMessage(m) || segment.deletions.has(m.id) || m.sentAt <= after) continue;
      unread++;
    }
  }
  return unread;
}

/** A message as the device's index holds it: where it sits (`segment`, `pos`) once indexed with them. */
export interface IndexedRow {
  id: string;
  author: string;
  sentAt: number;
  segment?: number;
  pos?: number;
}

/**
 * The unread messages in segments below `below` (not loaded: older than every open segment),
 * counted from the device's message index instead of the documents, so a position in an old
 * segment gives an exact count without decoding what lies between. Same rule as `countUnread`:
 * by someone else, not a server line, after the read message (deleted ones are not indexed).
 * Rows indexed without a place (before it was recorded) are not counted.
 */
export function countUnreadIndexed(
  rows: readonly IndexedRow[],
  position: ReadPosition | undefined,
  me: string,
  below: number,
): number {
  const read = position && rows.find((r) => r.id === position.messageId && r.segment === position.segment);
  let unread = 0;
  for (const r of rows) {
    if (r.segment === undefined || r.pos === undefined || r.segment >= below) continue;
    if (r.author === me || r.author === SYSTEM_AUTHOR) continue;
    if (position) {
      if (r.segment < position.segment) continue;
      if (r.segment === position.segment) {
        if (read?.pos !== undefined ? r.pos <= read.pos : r.sentAt <= position.at) continue;
      }
    }
    unread++;
  }
  return unread;
}

/** One line of text, as long as the list shows. */
export function previewText(text: string): string {
  return [...text.replace(/\s+/g, ' ').trim()].slice(0, PREVIEW_CHARS).join('');
}

/** The newest message that is not deleted, with its edit applied and server lines put in words. */
export function lastMessageOf(
  segments: readonly SegmentMessages[],
  nameOf: (userId: string) => string,
): LastMessage | null {
  const sorted = bySegment(segments);
  for (let s = sorted.length - 1; s >= 0; s--) {
    const segment = sorted[s]!;
    for (let i = segment.messages.length - 1; i >= 0; i--) {
      const m = segment.messages[i]!;
      if (segment.deletions.has(m.id)) continue;
      const text = isSystemMessage(m)
        ? describeSystemEntry(m.system, nameOf)
        : messagePreviewText({ text: segment.edits.get(m.id)?.text ?? m.text, attachments: m.attachments });
      return { id: m.id, authorId: m.author, preview: previewText(text), at: m.sentAt };
    }
  }
  return null;
}

/** When the conversation last saw activity: the server's time, or a newer message on this device. */
export function activityAt(row: ConversationRow): number {
  return Math.max(row.lastActivityAt, row.lastMessage?.at ?? 0, row.local?.lastMessage?.at ?? 0);
}

/** Latest activity first; ties by id so the order never flickers. */
export function orderConversations(rows: readonly ConversationRow[]): ConversationRow[] {
  return [...rows].sort((a, b) => activityAt(b) - activityAt(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const fold = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLocaleLowerCase();

/** Rows whose name contains the query, ignoring case and accents ("zoe" finds "Zoë"). */
export function filterByName(rows: readonly ConversationRow[], query: string): readonly ConversationRow[] {
  const q = fold(query.trim());
  return q === '' ? rows : rows.filter((row) => fold(row.name).includes(q));
}

/** The list's second line: the newest message, prefixed with who wrote it where that helps. */
export function previewLine(
  row: ConversationRow,
  me: string,
  nameOf: (userId: string) => string,
): { author: string | null; text: string } | null {
  // The device's own reading wins once it has one: the server's columns lag behind by a commit.
  const local = row.local?.lastMessage;
  const server = row.lastMessage;
  const last = local
    ? { authorId: local.authorId, preview: local.preview }
    : server
      ? { authorId: server.senderId, preview: server.preview }
      : null;
  if (!last) return null;
  if (last.authorId === null || last.authorId === 'system') return { author: null, text: last.preview };
  if (last.authorId === me) return { author: 'You', text: last.preview };
  return { author: row.kind === 'group' ? nameOf(last.authorId) : null, text: last.preview };
}

/** Unread conversations' counts added up, for the title and the app badge. */
export function unreadTotal(rows: readonly ConversationRow[]): number {
  return rows.reduce((sum, row) => sum + (row.local?.unread ?? 0), 0);
}

/** How many of a conversation's newest messages the device keeps for the first paint (first-read.ts). */
export const TAIL_MESSAGES = 40;

/** A message of the tail: what the first paint shows before the documents load. */
export interface TailMessage {
  id: string;
  author: string;
  /** With its edit folded in. */
  text: string;
  sentAt: number;
  segment: number;
  pos: number;
  replyTo?: string;
  system?: SystemEntry;
}

/**
 * The newest `count` messages of the loaded segments, oldest first, deleted ones left out and
 * edits folded in: kept beside the list's row, so a start paints the open conversation's end
 * with one read, before the documents (and Yjs) have loaded.
 */
export function newestMessages(segments: readonly SegmentMessages[], count = TAIL_MESSAGES): TailMessage[] {
  const tail: TailMessage[] = [];
  for (const segment of bySegment(segments).reverse()) {
    for (let i = segment.messages.length - 1; i >= 0 && tail.length < count; i--) {
      const m = segment.messages[i]!;
      if (segment.deletions.has(m.id)) continue;
      tail.push({
        id: m.id,
        author: m.author,
        text: segment.edits.get(m.id)?.text ?? m.text,
        sentAt: m.sentAt,
        segment: segment.index,
        pos: i,
        ...(m.replyTo !== undefined && { replyTo: m.replyTo }),
        ...(isSystemMessage(m) && { system: m.system }),
      });
    }
    if (tail.length >= count) break;
  }
  return tail.reverse();
}

/** Whether two tails show the same (an unchanged tail is not written again). */
export function sameTail(a: readonly TailMessage[], b: readonly TailMessage[]): boolean {
  return a.length === b.length && a.every((m, i) => m.id === b[i]!.id && m.text === b[i]!.text);
}
