import type { GroupRole } from '@messenjo/shared';
import type { Sql } from '../db/index.ts';

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  /** When the current name was given (the renaming device's clock, capped at the server's); migration 42. */
  name_changed_at: number | null;
  picture_media_id: string | null;
  direct_key: string | null;
  add_members_policy: 'members' | 'admins';
  created_by: string | null;
  created_at: number;
  ended_at: number | null;
  last_activity_at: number;
  last_message_preview: string | null;
  last_message_sender_id: string | null;
  last_message_at: number | null;
  message_count: number;
}

export interface MembershipRow {
  conversation_id: string;
  user_id: string;
  role: GroupRole;
  joined_at: number;
  left_at: number | null;
  /** Who removed this member (NULL while a member, or when they left). */
  removed_by: string | null;
}

/**
 * Small read helpers over conversations and memberships, shared by groups, the list and access
 * checks. Each takes the transaction it reads in (the caller's decision rests on it).
 */
export class MembershipQueries {
  constructor(private readonly db: Sql) {}

  conversation(id: string, q: Sql = this.db): Promise<ConversationRow | undefined> {
    return q.get<ConversationRow>('SELECT * FROM conversations WHERE id = ?', [id]);
  }

  membership(conversationId: string, userId: string, q: Sql = this.db): Promise<MembershipRow | undefined> {
    return q.get<MembershipRow>('SELECT * FROM memberships WHERE conversation_id = ? AND user_id = ?', [
      conversationId,
      userId,
    ]);
  }

  /** Current members, longest-standing first (the order ownership passes on in). */
  activeMembers(conversationId: string, q: Sql = this.db): Promise<MembershipRow[]> {
    return q.all<MembershipRow>(
      'SELECT * FROM memberships WHERE conversation_id = ? AND left_at IS NULL ORDER BY joined_at, user_id',
      [conversationId],
    );
  }

  /** People who were members and are no longer, most recently gone first. */
  formerMembers(conversationId: string, q: Sql = this.db): Promise<MembershipRow[]> {
    return q.all<MembershipRow>(
      'SELECT * FROM memberships WHERE conversation_id = ? AND left_at IS NOT NULL ORDER BY left_at DESC, user_id',
      [conversationId],
    );
  }

  async activeMemberCount(conversationId: string, q: Sql = this.db): Promise<number> {
    const row = await q.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM memberships WHERE conversation_id = ? AND left_at IS NULL',
      [conversationId],
    );
    return row?.n ?? 0;
  }
}
