import type * as Y from 'yjs';
import type { ReadPosition, Theme } from './entries.ts';

/**
 * A user's private document (`user:<userId>`): read positions, drafts, settings and the muted
 * conversations, synced between their devices. The server reads `muted` too: a push is never
 * sent for a muted conversation.
 */
export const USER_DOC_ROOTS = {
  readPositions: 'map',
  drafts: 'map',
  settings: 'map',
  muted: 'map',
} as const;
export type UserDocRoot = keyof typeof USER_DOC_ROOTS;

export interface Settings {
  theme?: Theme;
  notifications?: boolean;
}

export interface UserDoc {
  readPositions: Y.Map<ReadPosition>;
  drafts: Y.Map<string>;
  settings: Y.Map<Settings[keyof Settings]>;
  /** `muted[conversationId] = true` while the user mutes it; unmuting deletes the key. */
  muted: Y.Map<true>;
}

export function userDocOf(doc: Y.Doc): UserDoc {
  return {
    readPositions: doc.getMap<ReadPosition>('readPositions'),
    drafts: doc.getMap<string>('drafts'),
    settings: doc.getMap<Settings[keyof Settings]>('settings'),
    muted: doc.getMap<true>('muted'),
  };
}

/** Moves the read position forward only: an older device catching up never un-reads. */
export function markRead(
  doc: Y.Doc,
  conversationId: string,
  position: ReadPosition,
  isAfter: (a: ReadPosition, b: ReadPosition) => boolean,
): void {
  const { readPositions } = userDocOf(doc);
  const current = readPositions.get(conversationId);
  if (current === undefined || isAfter(position, current)) readPositions.set(conversationId, position);
}

export function setDraft(doc: Y.Doc, conversationId: string, text: string): void {
  const { drafts } = userDocOf(doc);
  if (text === '') drafts.delete(conversationId);
  else drafts.set(conversationId, text);
}

export function setTheme(doc: Y.Doc, theme: Theme): void {
  userDocOf(doc).settings.set('theme', theme);
}

export function readSettings(doc: Y.Doc): Settings {
  return Object.fromEntries(userDocOf(doc).settings.entries());
}

/** Mutes or unmutes a conversation on every device of the user (and for their pushes). */
export function setMuted(doc: Y.Doc, conversationId: string, muted: boolean): void {
  const map = userDocOf(doc).muted;
  if (muted) map.set(conversationId, true);
  else map.delete(conversationId);
}

export function isMuted(doc: Y.Doc, conversationId: string): boolean {
  return userDocOf(doc).muted.get(conversationId) === true;
}

/** The ids of the conversations the user mutes. */
export function mutedConversations(doc: Y.Doc): Set<string> {
  const muted = new Set<string>();
  for (const [id, value] of userDocOf(doc).muted.entries()) if (value === true) muted.add(id);
  return muted;
}
