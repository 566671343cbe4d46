/**
 * Document ids say what a document is, so the server authorizes a request from the id alone:
 * `conv:<conversationId>:seg:<n>` is segment n of a conversation, `user:<userId>` is a user's
 * private document.
 */
export type DocRef =
  { kind: 'segment'; conversationId: string; index: number } | { kind: 'user'; userId: string };

/** Server ids: a kind prefix, `_`, base32 (see sync-server ids.ts); kept loose but bounded. */
const ID_PATTERN = /^[a-z]{1,8}_[a-z0-9]{1,64}$/;
/** More segments than this in one conversation would be a billion messages. */
export const MAX_SEGMENT_INDEX = 1_000_000;

export function segmentDocId(conversationId: string, index: number): string {
  return `conv:${conversationId}:seg:${index}`;
}

export function userDocId(userId: string): string {
  return `user:${userId}`;
}

/** Parses a document id; undefined for anything that is not exactly one of the known shapes. */
export function parseDocId(docId: string): DocRef | undefined {
  if (docId.length > 200) return undefined;
  const parts = docId.split(':');
  if (parts[0] === 'user' && parts.length === 2) {
    const userId = parts[1] ?? '';
    return ID_PATTERN.test(userId) ? { kind: 'user', userId } : undefined;
  }
  if (parts[0] === 'conv' && parts.length === 4 && parts[2] === 'seg') {
    const conversationId = parts[1] ?? '';
    const indexText = parts[3] ?? '';
    if (!ID_PATTERN.test(conversationId) || !/^(0|[1-9][0-9]{0,6})$/.test(indexText)) return undefined;
    const index = Number(indexText);
    if (index > MAX_SEGMENT_INDEX) return undefined;
    return { kind: 'segment', conversationId, index };
  }
  return undefined;
}

export function isValidConversationId(id: string): boolean {
  return ID_PATTERN.test(id);
}
