import { checkGroupName, GROUP_MAX_MEMBERS, type AddMembersPolicy } from '@messenjo/shared';
import type { Sql } from '../db/index.ts';
import type { EventBus, SystemEntry } from '../events/bus.ts';
import { newId } from '../ids.ts';
import { MembershipQueries, type ConversationRow, type MembershipRow } from './membership-queries.ts';
import { refuse } from './refusals.ts';
import type { Relationships } from './relationships.ts';
import { transact, type Emit } from './transaction.ts';

function validName(raw: unknown): string {
  const checked = checkGroupName(raw);
  if (!checked.ok) throw refuse.invalid(checked.message, 'name');
  return checked.value;
}

/**
 * Groups: creation, naming, picture, membership and roles. The server is the authority; every
 * change is one transaction, announced after commit as membership/conversation events plus a
 * system entry the sync engine writes into the conversation for everyone to read.
 */
export class Groups {
  private readonly q: MembershipQueries;

  constructor(
    private readonly db: Sql,
    private readonly bus: EventBus,
    private readonly relationships: Relationships,
    private readonly now: () => number,
  ) {
    this.q = new MembershipQueries(db);
  }

  create(
    actor: string,
    input: { name: unknown; memberIds: readonly string[] },
  ): Promise<{ conversationId: string }> {
    const name = validName(input.name);
    const memberIds = [...new Set(input.memberIds)].filter((id) => id !== actor);
    if (memberIds.length + 1 > GROUP_MAX_MEMBERS) {
      throw refuse.invalid(`A group starts with at most ${GROUP_MAX_MEMBERS} members`, 'memberIds');
    }
    return transact(this.db, this.bus, async (tx, emit) => {
      for (const id of memberIds) await this.assertFriendOf(tx, actor, id);
      const now = this.now();
      const id = newId('c');
      await tx.run(
        `INSERT INTO conversations (id, kind, name, created_by, created_at, last_activity_at)
           VALUES (?, 'group', ?, ?, ?, ?)`,
        [id, name, actor, now, now],
      );
      await this.join(tx, emit, id, actor, 'owner', now);
      for (const member of memberIds) await this.join(tx, emit, id, member, 'member', now);
      this.system(emit, id, { kind: 'group_created', actorId: actor, name });
      if (memberIds.length > 0)
        this.system(emit, id, { kind: 'members_added', actorId: actor, userIds: memberIds });
      return { conversationId: id };
    });
  }

  /**
   * Renames the group. `renamedAt` is when the person renamed, by their device's clock (a rename
   * made offline reaches the server later): the later rename wins, so one older than the current
   * name's is outdated and changes nothing (every device ends with the same, later name). A time
   * ahead of the server's counts as now, so a fast clock cannot pin a name.
   */
  async rename(actor: string, conversationId: string, rawName: unknown, renamedAt?: number): Promise<void> {
    const name = validName(rawName);
    await transact(this.db, this.bus, async (tx, emit) => {
      const group = await this.activeGroup(tx, conversationId);
      await this.activeMember(tx, conversationId, actor);
      const now = this.now();
      const at = Math.min(renamedAt ?? now, now);
      if (group.name_changed_at !== null && at < group.name_changed_at) return;
      if (group.name === name) return;
      await tx.run(
        'UPDATE conversations SET name = ?, name_changed_at = ?, last_activity_at = ? WHERE id = ?',
        [name, at, now, group.id],
      );
      emit({ type: 'conversation.changed', conversationId });
      this.system(emit, conversationId, { kind: 'group_renamed', actorId: actor, name });
    });
  }

  /** Any current member may change the picture; checked before an upload is decoded. */
  async assertCanEdit(actor: string, conversationId: string): Promise<void> {
    await this.activeGroup(this.db, conversationId);
    await this.activeMember(this.db, conversationId, actor);
  }

  /**
   * Sets or clears the group picture (a media id from the picture pipeline). Returns the media
   * id it replaced, for the caller to release.
   */
  setPicture(actor: string, conversationId: string, mediaId: string | null): Promise<string | null> {
    return transact(this.db, this.bus, async (tx, emit) => {
      const group = await this.activeGroup(tx, conversationId);
      await this.activeMember(tx, conversationId, actor);
      if (group.picture_media_id === mediaId) return null;
      await tx.run('UPDATE conversations SET picture_media_id = ? WHERE id = ?', [mediaId, conversationId]);
      emit({ type: 'conversation.changed', conversationId });
      this.system(emit, conversationId, {
        kind: 'group_picture_changed',
        actorId: actor,
        removed: mediaId === null,
      });
      return group.picture_media_id;
    });
  }

  async setAddMembersPolicy(actor: string, conversationId: string, policy: AddMembersPolicy): Promise<void> {
    await transact(this.db, this.bus, async (tx, emit) => {
      const group = await this.activeGroup(tx, conversationId);
      const me = await this.activeMember(tx, conversationId, actor);
      if (me.role === 'member')
        throw refuse.notAllowedForRole('Only the owner and admins can change who may add members');
      if (group.add_members_policy === policy) return;
      await tx.run('UPDATE conversations SET add_members_policy = ? WHERE id = ?', [policy, conversationId]);
      emit({ type: 'conversation.changed', conversationId });
      this.system(emit, conversationId, { kind: 'add_policy_changed', actorId: actor, policy });
    });
  }

  /** Adds the actor's friends. Former members rejoin; current members are refused by name. */
  async addMembers(actor: string, conversationId: string, userIds: readonly string[]): Promise<void> {
    const targets = [...new Set(userIds)];
    if (targets.length === 0) throw refuse.invalid('Choose at least one person to add', 'userIds');
    await transact(this.db, this.bus, async (tx, emit) => {
      const group = await this.activeGroup(tx, conversationId);
      const me = await this.activeMember(tx, conversationId, actor);
      if (group.add_members_policy === 'admins' && me.role === 'member') {
        throw refuse.notAllowedForRole('In this group only the owner and admins can add members');
      }
      if ((await this.q.activeMemberCount(conversationId, tx)) + targets.length > GROUP_MAX_MEMBERS) {
        throw refuse.invalid(`A group has at most ${GROUP_MAX_MEMBERS} members`, 'userIds');
      }
      const now = this.now();
      for (const target of targets) {
        if ((await this.q.membership(conversationId, target, tx))?.left_at === null)
          throw refuse.alreadyAMember();
        await this.assertFriendOf(tx, actor, target);
        await this.join(tx, emit, conversationId, target, 'member', now);
      }
      await this.touch(tx, conversationId, now);
      this.system(emit, conversationId, { kind: 'members_added', actorId: actor, userIds: targets });
    });
  }

  /** Leaves the group. An owner's ownership passes on; the last member leaving ends the group. */
  async leave(actor: string, conversationId: string): Promise<void> {
    await transact(this.db, this.bus, async (tx, emit) => {
      await this.activeGroup(tx, conversationId);
      const me = await this.activeMember(tx, conversationId, actor);
      const now = this.now();
      await this.end(tx, emit, conversationId, actor, 'left', now);
      this.system(emit, conversationId, { kind: 'member_left', actorId: actor });
      const rest = await this.q.activeMembers(conversationId, tx);
      if (rest.length === 0) {
        await tx.run('UPDATE conversations SET ended_at = ? WHERE id = ?', [now, conversationId]);
        emit({ type: 'conversation.changed', conversationId });
        return;
      }
      if (me.role === 'owner') {
        const heir = rest.find((m) => m.role === 'admin') ?? rest[0]!;
        await this.setRoleRow(tx, emit, conversationId, heir.user_id, 'owner');
        this.system(emit, conversationId, {
          kind: 'role_changed',
          actorId: actor,
          userId: heir.user_id,
          role: 'owner',
        });
      }
      await this.touch(tx, conversationId, now);
    });
  }

  /** A deleted account leaves every group it is in, ownership passing on as when leaving. */
  async leaveAll(userId: string): Promise<void> {
    const groups = await this.db.all<{ conversation_id: string }>(
      `SELECT m.conversation_id FROM memberships m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.user_id = ? AND m.left_at IS NULL AND c.kind = 'group' AND c.ended_at IS NULL`,
      [userId],
    );
    for (const { conversation_id } of groups) await this.leave(userId, conversation_id);
  }

  /** Owner removes anyone; an admin removes plain members; a member removes nobody. */
  async removeMember(actor: string, conversationId: string, target: string): Promise<void> {
    if (actor === target) throw refuse.invalid('To leave the group, use leave', 'userId');
    await transact(this.db, this.bus, async (tx, emit) => {
      await this.activeGroup(tx, conversationId);
      const me = await this.activeMember(tx, conversationId, actor);
      const them = await this.q.membership(conversationId, target, tx);
      if (!them || them.left_at !== null) throw refuse.notAMember();
      const allowed = me.role === 'owner' || (me.role === 'admin' && them.role === 'member');
      if (!allowed) {
        throw refuse.notAllowedForRole(
          me.role === 'admin'
            ? 'Admins can remove members, not admins or the owner'
            : 'Only the owner and admins can remove members',
        );
      }
      const now = this.now();
      await this.end(tx, emit, conversationId, target, 'removed', now, actor);
      await this.touch(tx, conversationId, now);
      this.system(emit, conversationId, { kind: 'member_removed', actorId: actor, userId: target });
    });
  }

  /** The owner promotes a member to admin or demotes an admin to member. */
  async setRole(
    actor: string,
    conversationId: string,
    target: string,
    role: 'admin' | 'member',
  ): Promise<void> {
    await transact(this.db, this.bus, async (tx, emit) => {
      await this.activeGroup(tx, conversationId);
      const me = await this.activeMember(tx, conversationId, actor);
      if (me.role !== 'owner') throw refuse.notAllowedForRole('Only the owner can promote or demote admins');
      const them = await this.q.membership(conversationId, target, tx);
      if (!them || them.left_at !== null) throw refuse.notAMember();
      if (them.role === 'owner')
        throw refuse.notAllowedForRole('Transfer ownership instead of changing your own role');
      if (them.role === role) return;
      await this.setRoleRow(tx, emit, conversationId, target, role);
      this.system(emit, conversationId, { kind: 'role_changed', actorId: actor, userId: target, role });
    });
  }

  /** The owner hands ownership to another member and becomes an admin. */
  async transferOwnership(actor: string, conversationId: string, target: string): Promise<void> {
    await transact(this.db, this.bus, async (tx, emit) => {
      await this.activeGroup(tx, conversationId);
      const me = await this.activeMember(tx, conversationId, actor);
      if (me.role !== 'owner') throw refuse.notAllowedForRole('Only the owner can transfer ownership');
      const them = await this.q.membership(conversationId, target, tx);
      if (!them || them.left_at !== null) throw refuse.notAMember();
      if (target === actor) return;
      await this.setRoleRow(tx, emit, conversationId, target, 'owner');
      await this.setRoleRow(tx, emit, conversationId, actor, 'admin');
      this.system(emit, conversationId, {
        kind: 'role_changed',
        actorId: actor,
        userId: target,
        role: 'owner',
      });
    });
  }

  private async activeGroup(tx: Sql, conversationId: string): Promise<ConversationRow> {
    const group = await this.q.conversation(conversationId, tx);
    if (!group) throw refuse.conversationNotFound();
    if (group.kind !== 'group') throw refuse.notAGroup();
    if (group.ended_at !== null) throw refuse.groupEnded();
    return group;
  }

  private async activeMember(tx: Sql, conversationId: string, userId: string): Promise<MembershipRow> {
    const membership = await this.q.membership(conversationId, userId, tx);
    if (!membership || membership.left_at !== null) throw refuse.notAMember();
    return membership;
  }

  private async assertFriendOf(tx: Sql, actor: string, other: string): Promise<void> {
    if (await this.relationships.isBlockedEitherWay(actor, other, tx)) throw refuse.blocked();
    if (!(await this.relationships.areFriends(actor, other, tx))) {
      throw refuse.notFriends('You can only add your friends to a group');
    }
  }

  private async join(
    tx: Sql,
    emit: Emit,
    conversationId: string,
    userId: string,
    role: MembershipRow['role'],
    now: number,
  ): Promise<void> {
    await tx.run(
      `INSERT INTO memberships (conversation_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(conversation_id, user_id) DO UPDATE SET left_at = NULL, removed_by = NULL, role = excluded.role, joined_at = excluded.joined_at`,
      [conversationId, userId, role, now],
    );
    emit({ type: 'membership.changed', conversationId, userId, change: 'added' });
    this.membersChanged(emit, conversationId);
  }

  private async end(
    tx: Sql,
    emit: Emit,
    conversationId: string,
    userId: string,
    change: 'left' | 'removed',
    now: number,
    removedBy: string | null = null,
  ): Promise<void> {
    await tx.run(
      `UPDATE memberships SET left_at = ?, role = 'member', removed_by = ? WHERE conversation_id = ? AND user_id = ?`,
      [now, removedBy, conversationId, userId],
    );
    emit({ type: 'membership.changed', conversationId, userId, change });
    this.membersChanged(emit, conversationId);
  }

  private async setRoleRow(
    tx: Sql,
    emit: Emit,
    conversationId: string,
    userId: string,
    role: MembershipRow['role'],
  ): Promise<void> {
    await tx.run('UPDATE memberships SET role = ? WHERE conversation_id = ? AND user_id = ?', [
      role,
      conversationId,
      userId,
    ]);
    emit({ type: 'membership.changed', conversationId, userId, change: 'role' });
    this.membersChanged(emit, conversationId);
  }

  /**
   * The other members' lists show the member count and their details the members: tell them
   * (the server line written beside it is message activity, which devices holding the
   * conversation do not refetch for).
   */
  private membersChanged(emit: Emit, conversationId: string): void {
    emit({ type: 'conversation.changed', conversationId });
  }

  private async touch(tx: Sql, conversationId: string, now: number): Promise<void> {
    await tx.run('UPDATE conversations SET last_activity_at = ? WHERE id = ?', [now, conversationId]);
  }

  private system(emit: Emit, conversationId: string, entry: SystemEntry): void {
    emit({ type: 'conversation.system', conversationId, entry });
  }
}
