import type { ConversationDetail, UserSummary } from '@messenjo/shared';
import Dexie, { type EntityTable } from 'dexie';
import type { ConversationRow } from '../conversation-list/list-columns.ts';
import { localDbName, type IndexedMessage, type Kept } from './schema.ts';

export {
  deleteLocalData,
  localDbName,
  syncDbName,
  type IndexedMessage,
  type Kept,
  type KeptFriends,
} from './schema.ts';

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
