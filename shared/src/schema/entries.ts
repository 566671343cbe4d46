import { ATTACHMENT_LIMITS, SYNC_LIMITS } from '../limits.ts';
import { checkAttachmentList, type AttachmentEntry } from './attachments.ts';

/**
 * The JSON entries documents hold, with their validators. The server runs the same validators
 * on every incoming update (sync-server validate-update.ts), so an entry an honest client
 * writes is exactly an entry the server accepts.
 */

/** One message: appended once, never rewritten (edits and deletions are keyed entries beside it). */
export interface MessageEntry {
  id: string;
  /** The sender's user id; the server refuses entries naming anyone else. */
  author: string;
  /** The text, or with attachments their caption: then it may be empty (a message of files only). */
  text: string;
  /** The sender's clock when written: shown as the time, never used for order. */
  sentAt: number;
  replyTo?: string;
  /**
   * Files sent with the message (issue 17; docs/attachments.md). Immutable once sent: an edit
   * carries text only, and message entries are never rewritten (protocol VAL7–VAL9).
   */
  attachments?: AttachmentEntry[];
}

/** `edits[messageId]`: the newest text, written only by the message's author. */
export interface EditEntry {
  text: string;
  at: number;
}

/** `deletions[messageId]`: a tombstone, by the author or (in groups) an owner or admin. */
export interface DeletionEntry {
  by: string;
  at: number;
}

/** `reactions["<messageId>|<userId>|<emoji>"]`: present while that user reacts with that emoji. */
export interface ReactionEntry {
  at: number;
}

/**
 * `receipts[readerUserId]` in a segment: the newest message of that segment the reader has seen.
 * Only the reader writes its own key (the server refuses any other), and it only moves forward.
 * Other members read it for "read" (direct) and "seen by" (groups); the reader's own devices use
 * the private read position in the user document instead.
 */
export interface ReceiptEntry {
  messageId: string;
  at: number;
}

/**
 * `played["<messageId>|<listenerUserId>"]` in a segment: the listener has played that voice note
 * (PL1). Only the listener writes her own key, like a receipt; the author sees "Played".
 */
export interface PlayedEntry {
  at: number;
}

/** Read position in the user document, per conversation. */
export interface ReadPosition {
  segment: number;
  messageId: string;
  at: number;
}

export type Theme = 'light' | 'dark' | 'system';

const MESSAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;
const MAX_EMOJI_CHARS = 16;

export type Check<T> = { ok: true; value: T } | { ok: false; problem: string };
const bad = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !allowed.includes(key));
}

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1e15;

export function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && MESSAGE_ID.test(value);
}

export function checkMessageText(text: unknown): Check<string> {
  if (typeof text !== 'string') return bad('text must be a string');
  const chars = [...text].length;
  if (chars === 0 || text.trim() === '') return bad('text must not be empty');
  if (chars > SYNC_LIMITS.MAX_MESSAGE_CHARS)
    return bad(`text exceeds ${SYNC_LIMITS.MAX_MESSAGE_CHARS} characters`);
  return { ok: true, value: text };
}

/**
 * A message entry's shape. `maxFileBytes` is the operator's cap on one attached file (the
 * server passes its ATTACHMENT_MAX_BYTES; a device checks against the default).
 */
export function checkMessageEntry(
  value: unknown,
  maxFileBytes: number = ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES,
): Check<MessageEntry> {
  if (!isRecord(value)) return bad('message entry must be an object');
  const extra = onlyKeys(value, ['id', 'author', 'text', 'sentAt', 'replyTo', 'attachments']);
  if (extra) return bad(`message entry has an unknown field ${extra}`);
  if (!isMessageId(value.id)) return bad('message id must be 8–64 of A–Z a–z 0–9 _ -');
  if (typeof value.author !== 'string' || value.author.length > 80) return bad('author must be a user id');
  if (value.attachments !== undefined) {
    const attachments = checkAttachmentList(value.attachments, maxFileBytes);
    if (!attachments.ok) return attachments;
  }
  // With attachments the caption is optional: an empty text is a message of files only.
  const captionless = value.attachments !== undefined && value.text === '';
  const text = captionless ? ({ ok: true } as const) : checkMessageText(value.text);
  if (!text.ok) return text;
  if (!isTime(value.sentAt)) return bad('sentAt must be a time');
  if (value.replyTo !== undefined && !isMessageId(value.replyTo)) return bad('replyTo must be a message id');
  return { ok: true, value: value as unknown as MessageEntry };
}

export function checkEditEntry(value: unknown): Check<EditEntry> {
  if (!isRecord(value)) return bad('edit must be an object');
  const extra = onlyKeys(value, ['text', 'at']);
  if (extra) return bad(`edit has an unknown field ${extra}`);
  const text = checkMessageText(value.text);
  if (!text.ok) return text;
  if (!isTime(value.at)) return bad('edit time must be a time');
  return { ok: true, value: value as unknown as EditEntry };
}

export function checkDeletionEntry(value: unknown): Check<DeletionEntry> {
  if (!isRecord(value)) return bad('deletion must be an object');
  const extra = onlyKeys(value, ['by', 'at']);
  if (extra) return bad(`deletion has an unknown field ${extra}`);
  if (typeof value.by !== 'string') return bad('deletion must say who deleted');
  if (!isTime(value.at)) return bad('deletion time must be a time');
  return { ok: true, value: value as unknown as DeletionEntry };
}

export function checkReactionEntry(value: unknown): Check<ReactionEntry> {
  if (!isRecord(value) || onlyKeys(value, ['at']) !== undefined || !isTime(value.at)) {
    return bad('reaction must be { at }');
  }
  return { ok: true, value: value as unknown as ReactionEntry };
}

export function checkReceiptEntry(value: unknown): Check<ReceiptEntry> {
  if (!isRecord(value) || onlyKeys(value, ['messageId', 'at']) !== undefined) {
    return bad('receipt must be { messageId, at }');
  }
  if (!isMessageId(value.messageId)) return bad('receipt messageId must be a message id');
  if (!isTime(value.at)) return bad('receipt time must be a time');
  return { ok: true, value: value as unknown as ReceiptEntry };
}

export function reactionKey(messageId: string, userId: string, emoji: string): string {
  return `${messageId}|${userId}|${emoji}`;
}

export function parseReactionKey(
  key: string,
): { messageId: string; userId: string; emoji: string } | undefined {
  const parts = key.split('|');
  if (parts.length !== 3) return undefined;
  const [messageId = '', userId = '', emoji = ''] = parts;
  const emojiChars = [...emoji].length;
  if (!isMessageId(messageId) || userId === '' || emojiChars === 0 || emojiChars > MAX_EMOJI_CHARS)
    return undefined;
  return { messageId, userId, emoji };
}

export function checkPlayedEntry(value: unknown): Check<PlayedEntry> {
  if (!isRecord(value) || onlyKeys(value, ['at']) !== undefined || !isTime(value.at)) {
    return bad('a played mark must be { at }');
  }
  return { ok: true, value: value as unknown as PlayedEntry };
}

export function playedKey(messageId: string, userId: string): string {
  return `${messageId}|${userId}`;
}

export function parsePlayedKey(key: string): { messageId: string; userId: string } | undefined {
  const parts = key.split('|');
  if (parts.length !== 2) return undefined;
  const [messageId = '', userId = ''] = parts;
  if (!isMessageId(messageId) || userId === '' || userId.length > 80) return undefined;
  return { messageId, userId };
}

export function checkReadPosition(value: unknown): Check<ReadPosition> {
  if (!isRecord(value) || onlyKeys(value, ['segment', 'messageId', 'at']) !== undefined) {
    return bad('read position must be { segment, messageId, at }');
  }
  if (typeof value.segment !== 'number' || !Number.isInteger(value.segment) || value.segment < 0) {
    return bad('read position segment must be an index');
  }
  if (!isMessageId(value.messageId) || !isTime(value.at))
    return bad('read position needs a message id and time');
  return { ok: true, value: value as unknown as ReadPosition };
}
