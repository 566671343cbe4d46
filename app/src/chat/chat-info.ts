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
  const peerDeleted = detail.peer !== null && isDeletedSummary(detail.peer);
  const readOnlyReason =
    detail.kind === 'direct'
      ? peerDeleted
        ? 'This account was deleted. The history stays readable; no new messages can be sent.'
        : 'You are no longer friends. The history stays readable; no new messages can be sent.'
      : detail.role === null
        ? 'You left or were removed from this group. The history stays readable; you can no longer write here.'
        : 'This group has ended. The history stays readable.';
  return {
    kind: detail.kind,
    canWrite: detail.canWrite,
    readOnlyReason,
    canModerate:
      detail.kind === 'group' && detail.canWrite && (detail.role === 'owner' || detail.role === 'admin'),
    members,
  };
}

/** A sender's name: a member's, else (they left, or the account is gone) a neutral label. */
export function senderName(info: ChatInfo, userId: string): string {
  return info.members.get(userId)?.name ?? (info.kind === 'direct' ? 'Deleted user' : 'Former member');
}
