/**
 * The device index's shapes and names, without Dexie (local-db.ts): the first paint reads the
 * index with plain IndexedDB (first-read.ts) before Dexie has loaded, and sign-out deletes it.
 */
import type { FriendsResponse } from '@messenjo/shared';
import { attachmentsDbName, blobCacheName } from '../../attachments/db-name.ts';
import { deleteScreenSnapshots } from '../../lib/screen-snapshots.ts';
import { deleteSearchIndex } from '../../search/opfs-files.ts';
import { syncDbName } from '../../sync/constants.ts';
import { forgetPendingRenames } from '../pending-renames.ts';

export { syncDbName };

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
 * segment's messages are in the message index), `tail:<conversationId>` (its newest messages,
 * for the first paint: `tailKey`).
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

/** The index's object stores (Dexie's tables) and the message index's compound index. */
export const STORES = {
  conversations: 'conversations',
  details: 'details',
  profiles: 'profiles',
  messages: 'messages',
  kept: 'kept',
} as const;
/** Where a conversation's newest messages are kept (one read paints its end at a start). */
export const tailKey = (conversationId: string): string => `tail:${conversationId}`;

/** Deletes everything a user left on this device: the index, the documents with their outbox, unsent and downloaded attachments, the search index. */
export async function deleteLocalData(userId: string, indexedDb: IDBFactory = indexedDB): Promise<void> {
  for (const name of [localDbName(userId), syncDbName(userId), attachmentsDbName(userId)]) {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDb.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error ?? new Error(`${name} could not be deleted`));
    });
  }
  if (typeof caches !== 'undefined') await caches.delete(blobCacheName(userId));
  // The painted screens the service worker would show at the next start (lib/screen-snapshots.ts).
  await deleteScreenSnapshots(userId);
  await deleteSearchIndex(userId);
  forgetPendingRenames(userId);
}
