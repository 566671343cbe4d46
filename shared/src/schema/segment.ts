import * as random from 'lib0/random';
import type * as Y from 'yjs';
import type { AttachmentEntry } from './attachments.ts';
import {
  reactionKey,
  parseReactionKey,
  parsePlayedKey,
  playedKey,
  type DeletionEntry,
  type EditEntry,
  type MessageEntry,
  type PlayedEntry,
  type ReactionEntry,
  type ReceiptEntry,
} from './entries.ts';

/**
 * A conversation is a sequence of segments (documents `conv:<id>:seg:<n>`), each holding about
 * SEGMENT_MESSAGES messages. Display order: segment index, then position in the segment's
 * `messages` array. Both are decided by the CRDT (concurrent appends are ordered by Yjs client
 * id), never by a device clock, so every device shows the same order.
 */
export const SEGMENT_MESSAGES = 1000;
/**
 * Devices append to the newest segment they know; one that was offline keeps appending to a
 * segment others have since filled, so a segment may overshoot. Beyond this the server refuses
 * (a bound on what one document can cost, not the rollover point).
 */
export const SEGMENT_HARD_LIMIT = 5000;

/** The only root types a segment document may have (anything else is refused by the server). */
export const SEGMENT_ROOTS = {
  messages: 'array',
  edits: 'map',
  deletions: 'map',
  reactions: 'map',
  receipts: 'map',
  played: 'map',
} as const;
export type SegmentRoot = keyof typeof SEGMENT_ROOTS;

export interface Segment {
  messages: Y.Array<MessageEntry>;
  edits: Y.Map<EditEntry>;
  deletions: Y.Map<DeletionEntry>;
  reactions: Y.Map<ReactionEntry>;
  receipts: Y.Map<ReceiptEntry>;
  played: Y.Map<PlayedEntry>;
}

export function segmentOf(doc: Y.Doc): Segment {
  return {
    messages: doc.getArray<MessageEntry>('messages'),
    edits: doc.getMap<EditEntry>('edits'),
    deletions: doc.getMap<DeletionEntry>('deletions'),
    reactions: doc.getMap<ReactionEntry>('reactions'),
    receipts: doc.getMap<ReceiptEntry>('receipts'),
    played: doc.getMap<PlayedEntry>('played'),
  };
}

/** A random message id (120 bits): made on the device, so a message has its id before it is sent. */
export function newMessageId(): string {
  let id = 'm';
  for (let i = 0; i < 4; i++) id += random.uint32().toString(36).padStart(7, '0');
  return id;
}

export function isSegmentFull(doc: Y.Doc): boolean {
  return segmentOf(doc).messages.length >= SEGMENT_MESSAGES;
}

/** Appends with insert(length): Y.Array.push walks the whole list (docs/workloads.md). */
export function appendMessage(doc: Y.Doc, entry: MessageEntry): void {
  const { messages } = segmentOf(doc);
  messages.insert(messages.length, [entry]);
}

export function editMessage(doc: Y.Doc, messageId: string, text: string, at: number): void {
  segmentOf(doc).edits.set(messageId, { text, at });
}

export function deleteMessage(doc: Y.Doc, messageId: string, by: string, at: number): void {
  segmentOf(doc).deletions.set(messageId, { by, at });
}

export function setReaction(doc: Y.Doc, messageId: string, userId: string, emoji: string, on: boolean): void {
  const { reactions } = segmentOf(doc);
  const key = reactionKey(messageId, userId, emoji);
  if (on) reactions.set(key, { at: Date.now() });
  else reactions.delete(key);
}

/** Position of a message in this segment's array, or -1. */
function indexOfMessage(doc: Y.Doc, messageId: string): number {
  const messages = segmentOf(doc).messages.toArray();
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.id === messageId) return i;
  return -1;
}

/**
 * Records that `readerId` has seen this segment up to `messageId` (RC1). Moves forward only, so a
 * device catching up late never moves a receipt back; returns whether it changed.
 */
export function setReceipt(doc: Y.Doc, readerId: string, messageId: string, at: number): boolean {
  const { receipts } = segmentOf(doc);
  const target = indexOfMessage(doc, messageId);
  if (target < 0) return false;
  const current = receipts.get(readerId);
  if (current !== undefined && indexOfMessage(doc, current.messageId) >= target) return false;
  receipts.set(readerId, { messageId, at });
  return true;
}

/**
 * Records that `listenerId` has played the voice note `messageId` (PL1); the first time only, so
 * playing it again writes nothing. Returns whether it changed.
 */
export function markPlayed(doc: Y.Doc, messageId: string, listenerId: string, at: number): boolean {
  const { played } = segmentOf(doc);
  const key = playedKey(messageId, listenerId);
  if (played.has(key) || indexOfMessage(doc, messageId) < 0) return false;
  played.set(key, { at });
  return true;
}

/** Every reader's receipt in this segment, by reader user id. */
export function readReceipts(doc: Y.Doc): Map<string, ReceiptEntry> {
  return new Map(segmentOf(doc).receipts.entries());
}

/** What a UI shows for one message, with its edit, deletion and reactions folded in. */
export interface MessageView {
  id: string;
  author: string;
  text: string;
  sentAt: number;
  replyTo?: string;
  /** The message's files (issue 17); none once it is deleted. */
  attachments?: AttachmentEntry[];
  edited: boolean;
  deleted: boolean;
  reactions: { emoji: string; userIds: string[] }[];
  /** Voice notes: who has played it (PL1), sorted; absent when nobody has. */
  playedBy?: string[];
}

export function readMessages(doc: Y.Doc): MessageView[] {
  const { messages, edits, deletions, reactions, played } = segmentOf(doc);
  const listeners = new Map<string, string[]>();
  for (const key of played.keys()) {
    const parsed = parsePlayedKey(key);
    if (parsed) listeners.set(parsed.messageId, [...(listeners.get(parsed.messageId) ?? []), parsed.userId]);
  }
  const byMessage = new Map<string, Map<string, string[]>>();
  for (const key of reactions.keys()) {
    const parsed = parseReactionKey(key);
    if (!parsed) continue;
    const emojis = byMessage.get(parsed.messageId) ?? new Map<string, string[]>();
    byMessage.set(parsed.messageId, emojis);
    emojis.set(parsed.emoji, [...(emojis.get(parsed.emoji) ?? []), parsed.userId].sort());
  }
  return messages.toArray().map((entry) => {
    const edit = edits.get(entry.id);
    const deleted = deletions.has(entry.id);
    const view: MessageView = {
      id: entry.id,
      author: entry.author,
      text: deleted ? '' : (edit?.text ?? entry.text),
      sentAt: entry.sentAt,
      edited: edit !== undefined,
      deleted,
      reactions: [...(byMessage.get(entry.id) ?? new Map<string, string[]>())]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([emoji, userIds]) => ({ emoji, userIds })),
    };
    if (entry.replyTo !== undefined) view.replyTo = entry.replyTo;
    if (entry.attachments !== undefined && !deleted) view.attachments = entry.attachments;
    const playedBy = listeners.get(entry.id);
    if (playedBy) view.playedBy = playedBy.sort();
    return view;
  });
}

/** The whole timeline of loaded segments: by segment index, then array order. */
export function conversationTimeline(segments: { index: number; doc: Y.Doc }[]): MessageView[] {
  return [...segments].sort((a, b) => a.index - b.index).flatMap((s) => readMessages(s.doc));
}
