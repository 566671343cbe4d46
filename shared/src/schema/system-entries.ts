import type { MessageEntry } from './entries.ts';
import { newMessageId } from './segment.ts';

/** The author of server-written lines. No user id can take this value (ids are `u_…`). */
export const SYSTEM_AUTHOR = 'system';

/** A server-authored line in a conversation. Names are resolved when shown, so renames stay right. */
export type SystemEntry =
  | { kind: 'group_created'; actorId: string; name: string }
  | { kind: 'group_renamed'; actorId: string; name: string }
  | { kind: 'group_picture_changed'; actorId: string; removed: boolean }
  | { kind: 'members_added'; actorId: string; userIds: string[] }
  | { kind: 'member_removed'; actorId: string; userId: string }
  | { kind: 'member_left'; actorId: string }
  | { kind: 'role_changed'; actorId: string; userId: string; role: 'owner' | 'admin' | 'member' }
  | { kind: 'add_policy_changed'; actorId: string; policy: 'members' | 'admins' };

/** A message entry carrying a system line; only the server writes these (clients' entries may not have `system`). */
export interface SystemMessageEntry extends MessageEntry {
  author: typeof SYSTEM_AUTHOR;
  system: SystemEntry;
}

export function systemMessage(entry: SystemEntry, at: number): SystemMessageEntry {
  return {
    id: newMessageId(),
    author: SYSTEM_AUTHOR,
    text: describeSystemEntry(entry, (id) => id),
    sentAt: at,
    system: entry,
  };
}

export function isSystemMessage(entry: MessageEntry): entry is SystemMessageEntry {
  return entry.author === SYSTEM_AUTHOR && typeof (entry as Partial<SystemMessageEntry>).system === 'object';
}

/** The line a person reads, with names looked up by `nameOf` ("Ann renamed the group to Trip"). */
export function describeSystemEntry(entry: SystemEntry, nameOf: (userId: string) => string): string {
  const actor = nameOf(entry.actorId);
  switch (entry.kind) {
    case 'group_created':
      return `${actor} created the group ${entry.name}`;
    case 'group_renamed':
      return `${actor} renamed the group to ${entry.name}`;
    case 'group_picture_changed':
      return entry.removed ? `${actor} removed the group picture` : `${actor} changed the group picture`;
    case 'members_added':
      return `${actor} added ${entry.userIds.map(nameOf).join(', ')}`;
    case 'member_removed':
      return `${actor} removed ${nameOf(entry.userId)}`;
    case 'member_left':
      return `${actor} left`;
    case 'role_changed':
      return entry.role === 'owner'
        ? `${nameOf(entry.userId)} is now the owner`
        : entry.role === 'admin'
          ? `${actor} made ${nameOf(entry.userId)} an admin`
          : `${actor} removed ${nameOf(entry.userId)} as admin`;
    case 'add_policy_changed':
      return entry.policy === 'admins'
        ? `${actor} allowed only admins to add members`
        : `${actor} allowed every member to add members`;
  }
}
