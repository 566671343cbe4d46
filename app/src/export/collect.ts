import * as Y from 'yjs';
import { listSegments, openExisting, readUpdates } from '../search/stored-docs.ts';
import { conversationExport, exportFile, segmentExport, type ConversationMeta } from './build-export.ts';
import type { ExportFile, ExportMessage, ExportPerson } from './format.ts';

export interface ExportInput {
  syncDbName: string;
  account: { id: string } & ExportPerson;
  people: ReadonlyMap<string, ExportPerson>;
  conversations: ReadonlyMap<string, ConversationMeta>;
  /** After each segment read: how many of all. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Every conversation this device holds, read from the sync client's stored documents (the same
 * database the app opens, read-only): each segment decoded on its own and let go, so memory
 * holds one document at a time and the messages as plain data. Conversations listed on the
 * device with nothing stored are exported empty.
 */
export async function collectExport(input: ExportInput): Promise<ExportFile> {
  const nameOf = (id: string): string => {
    if (id === input.account.id) return input.account.displayName || input.account.username || 'You';
    const p = input.people.get(id);
    return p ? p.displayName || p.username || 'someone' : 'someone';
  };
  const db = await openExisting(input.syncDbName);
  const stored = db ? await listSegments(db) : [];
  const byConversation = new Map<string, { index: number; messages: ExportMessage[] }[]>();
  for (const id of input.conversations.keys()) byConversation.set(id, []);
  let done = 0;
  input.onProgress?.(0, stored.length);
  try {
    for (const s of stored) {
      const doc = new Y.Doc();
      try {
        const updates = db ? await readUpdates(db, s.docId) : [];
        Y.transact(doc, () => {
          for (const update of updates) Y.applyUpdate(doc, update);
        });
        const list = byConversation.get(s.conversationId) ?? [];
        list.push({ index: s.segment, messages: segmentExport(doc, s.segment, nameOf) });
        byConversation.set(s.conversationId, list);
      } finally {
        doc.destroy();
      }
      input.onProgress?.(++done, stored.length);
    }
  } finally {
    db?.close();
  }
  const conversations = [...byConversation]
    .map(([id, segments]) => conversationExport(id, input.conversations.get(id), segments))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return exportFile(input.account, input.people, conversations);
}
