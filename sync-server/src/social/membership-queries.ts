import type { GroupRole } from '@messenjo/shared';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
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

/** Small read helpers over conversations and memberships, shared by groups, the list and access checks. */
export class MembershipQueries {
  // Prepared on first use (the tables exist only once migrated), then reused: the sync engine
  // asks these on every incoming update.
  private conversationById: Statement | undefined;
  private membershipOf: Statement | undefined;
  private activeMembersOf: Statement | undefined;
  private activeMemberCountOf: Statement | undefined;

  constructor(private readonly db: Db) {}

  conversation(id: string): ConversationRow | undefined {
    this.conversationById ??= this.db.prepare('SELECT * FROM conversations WHERE id = ?');
    return this.conversationById.get(id) as ConversationRow | undefined;
  }

  membership(conversationId: string, userId: string): MembershipRow | undefined {
    this.membershipOf ??= this.db.prepare(
      'SELECT * FROM memberships WHERE conversation_id = ? AND user_id = ?',
    );
    return this.membershipOf.get(conversationId, userId) as MembershipRow | undefined;
  }

  /** Current members, longest-standing first (the order ownership passes on in). */
  activeMembers(conversationId: string): MembershipRow[] {
    // Asked for every conversation a commit wrote list columns for (its audience).
    this.activeMembersOf ??= this.db.prepare(
      'SELECT * FROM memberships WHERE conversation_id = ? AND left_at IS NULL ORDER BY joined_at, user_id',
    );
    return this.activeMembersOf.all(conversationId) as MembershipRow[];
  }

  /** People who were members and are no longer, most recently gone first. */
  formerMembers(conversationId: string): MembershipRow[] {
    return this.db
      .prepare(
        'SELECT * FROM memberships WHERE conversation_id = ? AND left_at IS NOT NULL ORDER BY left_at DESC, user_id',
      )
      .all(conversationId) as MembershipRow[];
  }

  activeMemberCount(conversationId: string): number {
    this.activeMemberCountOf ??= this.db.prepare(
      'SELECT COUNT(*) AS n FROM memberships WHERE conversation_id = ? AND left_at IS NULL',
    );
    return (this.activeMemberCountOf.get(conversationId) as { n: number }).n;
  }
}
