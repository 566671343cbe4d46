import { userDocId } from '@messenjo/shared';
import type * as Y from 'yjs';
import { ConversationSegments } from '../sync/conversation.ts';
import { IndexedDbPersistence } from '../sync/persistence.ts';
import type { SyncClient } from '../sync/sync-client.ts';

/**
 * Where the conversation view gets its documents. Today it builds them from the sync client;
 * with the device session it becomes `{ segments: session.conversation(id), userDoc: () =>
 * session.userDoc(), release: () => {} }` (the session owns the segments).
 */
export interface ChatSource {
  segments: ConversationSegments;
  userDoc: () => Promise<Y.Doc>;
  release(): void;
}

let numbers: { userId: string; persistence: IndexedDbPersistence } | undefined;

/** The newest known segment per conversation is remembered in the user's sync database, so an offline reload opens it. */
function numbersFor(userId: string): IndexedDbPersistence | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  if (numbers?.userId !== userId)
    numbers = { userId, persistence: new IndexedDbPersistence(`messenjo-sync-${userId}`) };
  return numbers.persistence;
}

export function openChatSource(client: SyncClient, meId: string, conversationId: string): ChatSource {
  const segments = new ConversationSegments(client, conversationId, numbersFor(meId));
  return { segments, userDoc: () => client.open(userDocId(meId)), release: () => segments.close() };
}
