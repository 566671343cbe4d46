import type * as Y from 'yjs';
import type { ReadPosition, Theme } from './entries.ts';

/** A user's private document (`user:<userId>`): read positions, drafts, settings, synced between their devices. */
export const USER_DOC_ROOTS = {
  readPositions: 'map',
  drafts: 'map',
  settings: 'map',
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
}

export function userDocOf(doc: Y.Doc): UserDoc {
  return {
    readPositions: doc.getMap<ReadPosition>('readPositions'),
    drafts: doc.getMap<string>('drafts'),
    settings: doc.getMap<Settings[keyof Settings]>('settings'),
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
