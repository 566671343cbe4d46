import type {
  ConversationDetail,
  ConversationListEntry,
  ConversationMember,
  FormerMember,
  UserSummary,
} from '@messenjo/shared';
import { inList, type Sql } from '../db/index.ts';
import { MembershipQueries, type ConversationRow, type MembershipRow } from './membership-queries.ts';
import { refuse } from './refusals.ts';
import type { Relationships } from './relationships.ts';
import { pictureUrls, type UserDirectory } from './user-directory.ts';

interface ListRow extends ConversationRow {
  role: MembershipRow['role'];
  left_at: number | null;
  member_count: number;
  peer_id: string | null;
  picture_hash: string | null;
}

/**
 * Who may read and write which conversation, and the conversation list. The list is built
 * from the server's own columns (name, picture, last message, counts) in one query, so it
 * never loads a document.
 */
export class Conversations {
  private readonly q: MembershipQueries;

  constructor(
    private readonly db: Sql,
    private readonly users: UserDirectory,
    private readonly relationships: Relationships,
  ) {
    this.q = new MembershipQueries(db);
  }

  /** Readable by current and former members (former members keep what they had, read-only). */
  async canRead(userId: string, conversationId: string): Promise<boolean> {
    return (await this.q.membership(conversationId, userId)) !== undefined;
  }

  /**
   * Writable by current members of a live group, or by both people of a direct conversation
   * while they are friends (neither blocked): removing a friend closes it to new messages.
   */
  async canWrite(userId: string, conversationId: string): Promise<boolean> {
    const [conversation, membership] = await Promise.all([
      this.q.conversation(conversationId),
      this.q.membership(conversationId, userId),
    ]);
    if (!conversation || !membership || membership.left_at !== null || conversation.ended_at !== null)
      return false;
    if (conversation.kind === 'group') return true;
    const peer = this.peerOf(conversation, userId);
    return peer !== null && (await this.relationships.areFriends(userId, peer));
  }

  /**
   * Current members' ids of many conversations in one query (an empty list for one without):
   * who hears about their changes (`member-reads.ts`) and who gets their pushes.
   */
  async memberIdsOf(conversationIds: readonly string[]): Promise<Map<string, string[]>> {
    const members = new Map<string, string[]>(conversationIds.map((id) => [id, []]));
    if (conversationIds.length === 0) return members;
    const ids = inList(this.db, 'conversation_id', [...new Set(conversationIds)]);
    const rows = await this.db.all<{ conversation_id: string; user_id: string }>(
      `SELECT conversation_id, user_id FROM memberships WHERE ${ids.clause} AND left_at IS NULL`,
      [ids.param],
    );
    for (const row of rows) members.get(row.conversation_id)?.push(row.user_id);
    return members;
  }

  /** What a notification names: a group's name; a direct conversation is named by its sender. */
  async kindAndName(conversationId: string): Promise<{ kind: 'direct' | 'group'; name: string } | undefined> {
    const row = await this.q.conversation(conversationId);
    return row && { kind: row.kind, name: row.name ?? '' };
  }

  async list(userId: string): Promise<ConversationListEntry[]> {
    const rows = await this.db.all<ListRow>(
      `SELECT c.*, m.role, m.left_at,
         (SELECT COUNT(*) FROM memberships x WHERE x.conversation_id = c.id AND x.left_at IS NULL) AS member_count,
         (SELECT x.user_id FROM memberships x WHERE c.kind = 'direct' AND x.conversation_id = c.id AND x.user_id <> m.user_id) AS peer_id,
         media.hash AS picture_hash
       FROM memberships m JOIN conversations c ON c.id = m.conversation_id
       LEFT JOIN media ON media.id = c.picture_media_id
       WHERE m.user_id = ?
       ORDER BY c.last_activity_at DESC, c.id`,
      [userId],
    );
    const [peers, friends] = await Promise.all([
      this.users.summaries(rows.flatMap((r) => (r.peer_id ? [r.peer_id] : []))),
      this.relationships.friendIds(userId),
    ]);
    return rows.map((row) =>
      this.toEntry(row, row.peer_id ? (peers.get(row.peer_id) ?? null) : null, friends),
    );
  }

  async detail(userId: string, conversationId: string): Promise<ConversationDetail> {
    const entry = (await this.list(userId)).find((e) => e.id === conversationId);
    if (!entry) throw refuse.conversationNotFound();
    const [members, former] = await Promise.all([
      this.q.activeMembers(conversationId),
      // NM2: former members' names and pictures stay on what they wrote, for everyone who shares
      // the conversation (only its current and former members reach this point).
      this.q.formerMembers(conversationId),
    ]);
    const people = await this.users.summaries([...members, ...former].map((m) => m.user_id));
    const unknown = (id: string): UserSummary => ({ id, username: '', displayName: '', picture: null });
    const memberList: ConversationMember[] = members.map((m) => ({
      ...(people.get(m.user_id) ?? unknown(m.user_id)),
      role: m.role,
      joinedAt: m.joined_at,
    }));
    // Owner first, then admins, then members; each by when they joined.
    const rank = { owner: 0, admin: 1, member: 2 } as const;
    memberList.sort(
      (a, b) =>
        rank[a.role] - rank[b.role] || a.joinedAt - b.joinedAt || a.username.localeCompare(b.username),
    );
    const formerMembers: FormerMember[] = former.map((m) => ({
      ...(people.get(m.user_id) ?? unknown(m.user_id)),
      leftAt: m.left_at ?? 0,
    }));
    const mine = former.find((m) => m.user_id === userId);
    const membershipEnded = mine ? { at: mine.left_at ?? 0, removedBy: mine.removed_by } : null;
    return { ...entry, members: memberList, formerMembers, membershipEnded };
  }

  private toEntry(row: ListRow, peer: UserSummary | null, friends: Set<string>): ConversationListEntry {
    const member = row.left_at === null;
    const live = member && row.ended_at === null;
    const canWrite = row.kind === 'group' ? live : live && peer !== null && friends.has(peer.id);
    return {
      id: row.id,
      kind: row.kind,
      name: row.kind === 'group' ? (row.name ?? '') : (peer?.displayName ?? ''),
      picture: row.kind === 'group' ? pictureUrls(row.picture_hash) : (peer?.picture ?? null),
      peer,
      memberCount: row.member_count,
      lastMessage:
        row.last_message_at !== null
          ? {
              preview: row.last_message_preview ?? '',
              senderId: row.last_message_sender_id,
              at: row.last_message_at,
            }
          : null,
      lastActivityAt: row.last_activity_at,
      canWrite,
      role: member ? row.role : null,
      addMembersPolicy: row.add_members_policy,
    };
  }

  private peerOf(conversation: ConversationRow, userId: string): string | null {
    if (conversation.kind !== 'direct' || !conversation.direct_key) return null;
    const [a, b] = conversation.direct_key.split(':');
    return a === userId ? (b ?? null) : b === userId ? (a ?? null) : null;
  }
}
