import { inList, type Sql } from '../db/index.ts';
import type { EventBus } from '../events/bus.ts';
import { newId } from '../ids.ts';

export type Role = 'owner' | 'admin' | 'member';

/**
 * Who belongs to which conversation, as the sync engine reads it (`activeRoles`, one query per
 * subscribe batch). Its writers (`createConversation`, `addMember`, `setRole`,
 * `endMembership`) serve seeding in tests and benchmarks (`tools/seed.ts`), publishing
 * `membership.changed` at once. In the running product the social graph is the writer of
 * `memberships` (`social/groups.ts`, `social/direct-conversations.ts`), inside its own
 * transactions, publishing the same event after commit. Two writers, one event: the sync
 * engine cannot tell them apart.
 */
export class MembershipStore {
  constructor(
    private readonly db: Sql,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a conversation row (no members yet); returns its id. */
  async createConversation(options: {
    kind: 'direct' | 'group';
    name?: string;
    createdBy: string;
    directKey?: string;
  }): Promise<string> {
    const id = newId('c');
    const now = this.now();
    await this.db.run(
      `INSERT INTO conversations (id, kind, name, direct_key, created_by, created_at, last_activity_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [id, options.kind, options.name ?? null, options.directKey ?? null, options.createdBy, now, now],
    );
    return id;
  }

  /** Adds (or re-adds after leaving) a member with a role. */
  async addMember(conversationId: string, userId: string, role: Role): Promise<void> {
    await this.db.run(
      `INSERT INTO memberships (conversation_id, user_id, role, joined_at, left_at) VALUES (?, ?, ?, ?, NULL)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = excluded.role, joined_at = excluded.joined_at, left_at = NULL, removed_by = NULL`,
      [conversationId, userId, role, this.now()],
    );
    this.bus.publish({ type: 'membership.changed', conversationId, userId, change: 'added' });
  }

  async setRole(conversationId: string, userId: string, role: Role): Promise<void> {
    const result = await this.db.run(
      'UPDATE memberships SET role = ? WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL',
      [role, conversationId, userId],
    );
    if (result.changes > 0)
      this.bus.publish({ type: 'membership.changed', conversationId, userId, change: 'role' });
  }

  /** Ends a membership ('left' by the user, 'removed' by an owner/admin). False when not a member. */
  async endMembership(conversationId: string, userId: string, change: 'left' | 'removed'): Promise<boolean> {
    const result = await this.db.run(
      'UPDATE memberships SET left_at = ? WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL',
      [this.now(), conversationId, userId],
    );
    if (result.changes === 0) return false;
    this.bus.publish({ type: 'membership.changed', conversationId, userId, change });
    return true;
  }

  /** The user's current role in each of the given conversations where they are a member: one query. */
  async activeRoles(userId: string, conversationIds: readonly string[]): Promise<Map<string, Role>> {
    if (conversationIds.length === 0) return new Map();
    const ids = inList(this.db, 'conversation_id', conversationIds);
    const rows = await this.db.all<{ conversation_id: string; role: Role }>(
      `SELECT conversation_id, role FROM memberships WHERE user_id = ? AND left_at IS NULL AND ${ids.clause}`,
      [userId, ids.param],
    );
    return new Map(rows.map((row) => [row.conversation_id, row.role]));
  }
}
