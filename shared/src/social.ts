/**
 * The social graph's API types and rules (friends, blocks, groups, the conversation list).
 * The server enforces every rule; the app checks early with the same functions.
 */

import type { PictureUrls } from './accounts/index.ts';
import { checkName, type NameCheck } from './names.ts';

/** What one user may see of another in lists and search results. */
export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
  /** Content-hashed picture URLs, or null: the app draws the initial on a colour from the id. */
  picture: PictureUrls | null;
}

/** How the signed-in user stands to another user. */
export type Relationship = 'self' | 'friend' | 'incoming' | 'outgoing' | 'blocked' | 'none';

export interface UserSearchResult extends UserSummary {
  relationship: Relationship;
}

export interface FriendEntry extends UserSummary {
  /** The direct conversation both friends share. */
  conversationId: string;
  since: number;
}

export interface FriendRequestEntry extends UserSummary {
  sentAt: number;
}

export interface FriendsResponse {
  friends: FriendEntry[];
  incoming: FriendRequestEntry[];
  outgoing: FriendRequestEntry[];
  blocked: UserSummary[];
}

/** Sending a request to someone who already asked you makes you friends at once. */
export type SendRequestResponse = { status: 'requested' } | { status: 'friends'; conversationId: string };

export type GroupRole = 'owner' | 'admin' | 'member';
export type AddMembersPolicy = 'members' | 'admins';

export interface ConversationMember extends UserSummary {
  role: GroupRole;
  joinedAt: number;
}

/** One row of the conversation list, kept by the server so the list never loads documents. */
export interface ConversationListEntry {
  id: string;
  kind: 'direct' | 'group';
  /** Group name, or the other person's display name (or username) for a direct conversation. */
  name: string;
  /** The group's picture, or the other person's in a direct conversation. */
  picture: PictureUrls | null;
  /** The other person, in a direct conversation. */
  peer: UserSummary | null;
  memberCount: number;
  lastMessage: { preview: string; senderId: string | null; at: number } | null;
  lastActivityAt: number;
  /** False once the user left or was removed, the group ended, or (direct) they are no longer friends. */
  canWrite: boolean;
  /** The user's own role; null once they are no longer a member. */
  role: GroupRole | null;
  addMembersPolicy: AddMembersPolicy;
}

/** Someone who was a member and left or was removed: their name stays on what they wrote. */
export interface FormerMember extends UserSummary {
  leftAt: number;
}

/** How the signed-in user's own membership ended: by leaving, or removed by `removedBy`. */
export interface MembershipEnded {
  at: number;
  /** The member who removed them; null when they left (or the removal predates this record). */
  removedBy: string | null;
}

export interface ConversationDetail extends ConversationListEntry {
  members: ConversationMember[];
  /**
   * Everyone who ever was a member and is no longer (NM2): their display names and pictures stay
   * on their messages and in the group's lines. Absent from a detail an older app stored.
   */
  formerMembers?: FormerMember[];
  /** Set once the user's own membership ended (the removal line); absent or null while a member. */
  membershipEnded?: MembershipEnded | null;
}

export const USER_SEARCH_MIN_CHARS = 2;
export const USER_SEARCH_MAX_RESULTS = 20;
export const GROUP_NAME_MAX_CHARS = 64;
/** A group starts with at most this many members; more may be added later. */
export const GROUP_MAX_MEMBERS = 256;

/** A group name: the same text rule as every name (NM1), 1–64 characters. Returns the normalised name or the rule broken. */
export function checkGroupName(raw: unknown): NameCheck {
  return checkName(raw, 'The group name', GROUP_NAME_MAX_CHARS);
}
