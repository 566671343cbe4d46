import { appendMessage, systemMessage, type MessageEntry, type SystemEntry } from '@messenjo/shared';
import * as Y from 'yjs';
import type { LiveDoc } from './live-doc.ts';

/**
 * The update that appends a server-authored line ("‹name› renamed the group") to a segment,
 * made on a scratch copy so the live document is changed only by the commit pipeline. It is
 * written by a fresh Yjs client id, which the room binds to the author "system" (no device can).
 */
export function systemEntryUpdate(
  live: LiveDoc,
  entry: SystemEntry,
  now: number,
): { update: Uint8Array; clientId: number; message: MessageEntry } | null {
  const scratch = new Y.Doc({ guid: live.docId }); // named: a random guid costs ~30 getRandomValues calls
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(live.doc));
  const captured: { update?: Uint8Array } = {};
  scratch.on('update', (u: Uint8Array) => (captured.update = u));
  const message = systemMessage(entry, now);
  appendMessage(scratch, message);
  const clientId = scratch.clientID;
  scratch.destroy();
  return captured.update ? { update: captured.update, clientId, message } : null;
}
