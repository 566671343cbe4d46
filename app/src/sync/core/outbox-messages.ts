import * as Y from 'yjs';

function isMessageLike(value: unknown): value is { id: string } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.author === 'string' && typeof v.sentAt === 'number';
}

/**
 * The ids of the messages an update appends (entries of a root array: no map key). Read from
 * the encoded update, so it works for updates stored before a reload, whose Yjs client id is no
 * longer this document's. Decoded once per outbox entry (doc-entry.ts), never per render.
 */
export function messageIdsInUpdate(update: Uint8Array): string[] {
  const ids: string[] = [];
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item) || struct.parentSub !== null) continue;
    if (!(struct.content instanceof Y.ContentAny)) continue;
    for (const value of struct.content.arr) if (isMessageLike(value)) ids.push(value.id);
  }
  return ids;
}
