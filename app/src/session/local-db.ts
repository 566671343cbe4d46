import type { ConversationDetail, FriendsResponse, UserSummary } from '@messenjo/shared';
import Dexie, { type EntityTable } from 'dexie';
import { deleteSearchIndex } from '../search/opfs-files.ts';
import type { ConversationRow } from './list-columns.ts';

/** A message as the device indexes it for search (the segment documents stay the source). */
export interface IndexedMessage {
  id: string;
  conversationId: string;
  author: string;
  text: string;
  sentAt: number;
  /** Its segment and place there (indexes written before these were recorded lack them). */
  segment?: number;
  pos?: number;
}

/**
 * Small values kept whole: `friends` (the friends lists), `indexed:<docId>` (how many of a
 * segment's messages are in the message index).
 */
export interface Kept {
  key: string;
  value: unknown;
}

export interface KeptFriends extends Kept {
  key: 'friends';
  value: FriendsResponse;
}

/** Database name of a user's index; one per user, so two accounts on one browser never mix. */
export const localDbName = (userId: string): string => `messenjo-local-${userId}`;
/** The sync client's document database of a user (sync/persistence.ts). */
export const syncDbName = (userId: string): string => `messenjo-sync-${userId}`;

/**
 * The device's own index (Dexie on IndexedDB): what the list, names and pictures paint from
 * before the network answers, and what stays on screen offline. The server's answers and the
 * segment documents are written into it; nothing here is the authority.
 */
export class LocalDb extends Dexie {
  conversations!: EntityTable<ConversationRow, 'id'>;
  /** The member lists of conversations opened on this device (the pane's header and details). */
  details!: EntityTable<ConversationDetail, 'id'>;
  profiles!: EntityTable<UserSummary, 'id'>;
  messages!: EntityTable<IndexedMessage, 'id'>;
  kept!: EntityTable<Kept, 'key'>;

  constructor(userId: string, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(localDbName(userId), options);
    this.version(1).stores({
      conversations: 'id',
      details: 'id',
      profiles: 'id',
      messages: 'id, conversationId, [conversationId+sentAt], author',
      kept: 'key',
    });
  }
}

/** Deletes everything a user left on this device: the index, the documents with their outbox, the search index. */
export async function deleteLocalData(userId: string, indexedDb: IDBFactory = indexedDB): Promise<void> {
  for (const name of [localDbName(userId), syncDbName(userId)]) {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDb.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error ?? new Error(`${name} could not be deleted`));
    });
  }
  await deleteSearchIndex(userId);
}

/**
 * Earlier versions kept each opened conversation's details in localStorage
 * (`messenjo.conversation.<id>`) beside this index; the index is the only copy now, so those
 * keys (members' names) are removed rather than left on the device after sign-out.
 */
export function forgetLegacyDetailCache(storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return;
  try {
    const stale: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith('messenjo.conversation.')) stale.push(key);
    }
    for (const key of stale) storage.removeItem(key);
  } catch {
    // Storage denied: there is nothing of ours in it either.
  }
}
