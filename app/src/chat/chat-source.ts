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

/**
 * The newest known segment of the conversation is remembered in the user's sync database, so an
 * offline reload opens it. The connection is closed on release: one left open would block the
 * database's deletion at sign-out.
 */
export function openChatSource(client: SyncClient, meId: string, conversationId: string): ChatSource {
  const numbers =
    typeof indexedDB === 'undefined' ? undefined : new IndexedDbPersistence(`messenjo-sync-${meId}`);
  const segments = new ConversationSegments(client, conversationId, numbers);
  return {
    segments,
    userDoc: () => client.open(userDocId(meId)),
    release: () => {
      segments.close();
      void numbers?.close();
    },
  };
}
