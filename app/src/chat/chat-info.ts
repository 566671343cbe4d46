import type { ConversationDetail } from '@messenjo/shared';
import type { MemberInfo } from './types.ts';

/** What the conversation view needs of the conversation, whatever fetched it (HTTP today, the device's index later). */
export interface ChatInfo {
  kind: 'direct' | 'group';
  canWrite: boolean;
  /** Why the composer is closed, shown in its place when `canWrite` is false. */
  readOnlyReason: string;
  /** May delete others' messages: a group's owner or admins. */
  canModerate: boolean;
  /** Current members (and the peer of a direct conversation), by user id. */
  members: ReadonlyMap<string, MemberInfo>;
  /** People who left or were removed (NM2): their names stay on what they wrote. */
  formerMembers: ReadonlyMap<string, MemberInfo>;
  /** The user's own membership ended: the line closing her copy of the history (who removed her, when). */
  membershipEnded: { at: number; removedBy: string | null } | null;
}

/** The server names a deleted account this way in every summary (user-directory.ts). */
const isDeletedSummary = (s: { username: string; displayName: string }): boolean =>
  s.username === 'deleted' && s.displayName === 'Deleted user';

export function chatInfoOf(detail: ConversationDetail): ChatInfo {
  const members = new Map<string, MemberInfo>();
  for (const m of detail.members)
    members.set(m.id, { name: m.displayName || m.username, picture: m.picture });
  if (detail.peer)
    members.set(detail.peer.id, {
      name: detail.peer.displayName || detail.peer.username,
      picture: detail.peer.picture,
    });
  const formerMembers = new Map<string, MemberInfo>();
  for (const m of detail.formerMembers ?? [])
    formerMembers.set(m.id, { name: m.displayName || m.username, picture: m.picture });
  const membershipEnded = detail.membershipEnded ?? null;
  const peerDeleted = detail.peer !== null && isDeletedSummary(detail.peer);
  const readOnlyReason =
    detail.kind === 'direct'
      ? peerDeleted
        ? 'This account was deleted. The history stays readable; no new messages can be sent.'
        : 'You are no longer friends. The history stays readable; no new messages can be sent.'
      : detail.role === null
        ? `${membershipEndedText(membershipEnded, (id) => formerMembers.get(id)?.name ?? members.get(id)?.name)}. The history stays readable; you can no longer write here.`
        : 'This group has ended. The history stays readable.';
  return {
    kind: detail.kind,
    canWrite: detail.canWrite,
    readOnlyReason,
    canModerate:
      detail.kind === 'group' && detail.canWrite && (detail.role === 'owner' || detail.role === 'admin'),
    members,
    formerMembers,
    membershipEnded,
  };
}

/** "Ann removed you from this group", "You left this group" (or both unknown: an older server's answer). */
export function membershipEndedText(
  ended: ChatInfo['membershipEnded'],
  nameOf: (userId: string) => string | undefined,
): string {
  if (!ended) return 'You left or were removed from this group';
  if (ended.removedBy === null) return 'You left this group';
  return `${nameOf(ended.removedBy) ?? 'A former member'} removed you from this group`;
}

/**
 * A sender's name: a member's, a former member's (NM2), else a neutral label (a detail stored by
 * an older app, before the server's answer arrives).
 */
export function senderName(info: ChatInfo, userId: string): string {
  return (
    info.members.get(userId)?.name ??
    info.formerMembers.get(userId)?.name ??
    (info.kind === 'direct' ? 'Deleted user' : 'Former member')
  );
}
