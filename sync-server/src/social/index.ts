import type { Sql } from '../db/index.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../logger.ts';
import { Conversations } from './conversations.ts';
import { Groups } from './groups.ts';
import { ListActivity } from './list-activity.ts';
import { MemberReads } from './member-reads.ts';
import type { ConversationPolicy } from '../sync/engine/conversation-policy.ts';
import type { ListColumns } from '../sync/store/list-columns.ts';
import { Relationships } from './relationships.ts';
import { UserSearch } from './search.ts';
import { UserDirectory } from './user-directory.ts';
import { WritePermissions } from './write-permissions.ts';

export interface Social {
  /** What the sync engine asks of the social graph (write access, audiences, list columns). */
  policy: ConversationPolicy & { flush(): void; forgetWritePermissions(): void };
  users: UserDirectory;
  relationships: Relationships;
  groups: Groups;
  conversations: Conversations;
  search: UserSearch;
  /** Stops listening to the bus. */
  dispose(): void;
}

/** The social graph's services, wired together. */
export function createSocial(options: {
  db: Sql;
  bus: EventBus;
  logger: Logger;
  now: () => number;
  /** A commit stored messages (Web Push listens; in-process only, so each process pushes its own commits once). */
  onMessagesCommitted?: (columns: ListColumns) => void;
}): Social {
  const { db, bus, logger, now } = options;
  const users = new UserDirectory(db);
  const relationships = new Relationships(db, bus, users, now);
  const conversations = new Conversations(db, users, relationships);
  const activity = new ListActivity(users, bus, now);
  const groups = new Groups(db, bus, relationships, now);
  const memberReads = new MemberReads((conversationIds) => conversations.memberIdsOf(conversationIds));
  const writable = new WritePermissions(bus, (userId, conversationId) =>
    conversations.canWrite(userId, conversationId),
  );
  // A deleted account leaves the social graph: no friends, requests, blocks or group memberships.
  const stopForgetting = bus.subscribe(
    'user.deleted',
    ({ userId }) => {
      const forgotten = async (): Promise<void> => {
        await relationships.forget(userId);
        await groups.leaveAll(userId);
      };
      forgotten().catch((err: unknown) =>
        logger.error('deleted account not removed from the social graph', { userId, err }),
      );
      // Written once, by the process that deleted the account (not by every server process).
    },
    'origin',
  );
  return {
    policy: {
      canWrite: (userId, conversationId) => writable.canWrite(userId, conversationId),
      audience: (conversationId) => memberReads.of(conversationId),
      prepareSystemEntry: (entry) => activity.prepare(entry),
      listColumns: (conversationId, newest, count) => activity.columns(conversationId, newest, count),
      messagesCommitted: (columns) => {
        activity.committed(columns.conversationId);
        options.onMessagesCommitted?.(columns);
      },
      flush: () => activity.flush(),
      forgetWritePermissions: () => writable.forgetAll(),
    },
    users,
    relationships,
    groups,
    conversations,
    search: new UserSearch(db, users, relationships),
    dispose: () => {
      stopForgetting();
      writable.dispose();
    },
  };
}
