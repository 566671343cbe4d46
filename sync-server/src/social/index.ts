import type { Db } from '../db/index.ts';
import type { EventBus } from '../events/bus.ts';
import { Conversations } from './conversations.ts';
import { Groups } from './groups.ts';
import { Relationships } from './relationships.ts';
import { UserSearch } from './search.ts';
import { UserDirectory } from './user-directory.ts';

export interface Social {
  users: UserDirectory;
  relationships: Relationships;
  groups: Groups;
  conversations: Conversations;
  search: UserSearch;
}

/** The social graph's services, wired together. */
export function createSocial(options: { db: Db; bus: EventBus; now: () => number }): Social {
  const { db, bus, now } = options;
  const users = new UserDirectory(db);
  const relationships = new Relationships(db, bus, users, now);
  return {
    users,
    relationships,
    groups: new Groups(db, bus, relationships, now),
    conversations: new Conversations(db, users, relationships),
    search: new UserSearch(db, users, relationships),
  };
}
