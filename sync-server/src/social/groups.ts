import { checkGroupName, GROUP_MAX_MEMBERS, type AddMembersPolicy } from '@messenjo/shared';
import type { Db } from '../db/index.ts';
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
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly relationships: Relationships,
    private readonly now: () => number,
  ) {
    this.q = new MembershipQueries(db);
  }

  create(actor: string, input: { name: unknown; memberIds: readonly string[] }): { conversationId: string } {
    const name = validName(input.name);
    const memberIds = [...new Set(input.memberIds)].filter((id) => id !== actor);
    if (memberIds.length + 1 > GROUP_MAX_MEMBERS) {
      throw refuse.invalid(`A group starts with at most ${GROUP_MAX_MEMBERS} members`, 'memberIds');
    }
    return transact(this.db, this.bus, (emit) => {
      for (const id of memberIds) this.assertFriendOf(actor, id);
      const now = this.now();
      const id = newId('c');
      this.db
        .prepare(
          `INSERT INTO conversations (id, kind, name, created_by, created_at, last_activity_at)
           VALUES (?, 'group', ?, ?, ?, ?)`,
        )
        .run(id, name, actor, now, now);
      this.join(emit, id, actor, 'owner', now);
      for (const member of memberIds) this.join(emit, id, member, 'member', now);
      this.system(emit, id, { kind: 'group_created', actorId: actor, name });
      if (memberIds.length > 0)
        this.system(emit, id, { kind: 'members_added', actorId: actor, userIds: memberIds });
      return { conversationId: id };
    });
  }

  rename(actor: string, conversationId: string, rawName: unknown): void {
    const name = validName(rawName);
    transact(this.db, this.bus, (emit) => {
      const group = this.activeGroup(conversationId);
      this.activeMember(conversationId, actor);
      if (group.name === name) return;
      this.db
        .prepare('UPDATE conversations SET name = ?, last_activity_at = ? WHERE id = ?')
        .run(name, this.now(), group.id);
      emit({ type: 'conversation.changed', conversationId });
      this.system(emit, conversationId, { kind: 'group_renamed', actorId: actor, name });
    });
  }

  /** Any current member may change the picture; checked before an upload is decoded. */
  assertCanEdit(actor: string, conversationId: string): void {
    this.activeGroup(conversationId);
    this.activeMember(conversationId, actor);
  }

  /**
   * Sets or clears the group picture (a media id from the picture pipeline). Returns the media
   * id it replaced, for the caller to release.
   */
  setPicture(actor: string, conversationId: string, mediaId: string | null): string | null {
    return transact(this.db, this.bus, (emit) => {
      const group = this.activeGroup(conversationId);
      this.activeMember(conversationId, actor);
      if (group.picture_media_id === mediaId) return null;
      this.db
        .prepare('UPDATE conversations SET picture_media_id = ? WHERE id = ?')
        .run(mediaId, conversationId);
      emit({ type: 'conversation.changed', conversationId });
      this.system(emit, conversationId, {
        kind: 'group_picture_changed',
        actorId: actor,
        removed: mediaId === null,
      });
      return group.picture_media_id;
    });
  }

  setAddMembersPolicy(actor: string, conversationId: string, policy: AddMembersPolicy): void {
    transact(this.db, this.bus, (emit) => {
      const group = this.activeGroup(conversationId);
      const me = this.activeMember(conversationId, actor);
      if (me.role === 'member')
        throw refuse.notAllowedForRole('Only the owner and admins can change who may add members');
      if (group.add_members_policy === policy) return;
      this.db
        .prepare('UPDATE conversations SET add_members_policy = ? WHERE id = ?')
        .run(policy, conversationId);
      emit({ type: 'conversation.changed', conversationId });
      this.system(emit, conversationId, { kind: 'add_policy_changed', actorId: actor, policy });
    });
  }

  /** Adds the actor's friends. Former members rejoin; current members are refused by name. */
  addMembers(actor: string, conversationId: string, userIds: readonly string[]): void {
    const targets = [...new Set(userIds)];
    if (targets.length === 0) throw refuse.invalid('Choose at least one person to add', 'userIds');
    transact(this.db, this.bus, (emit) => {
      const group = this.activeGroup(conversationId);
      const me = this.activeMember(conversationId, actor);
      if (group.add_members_policy === 'admins' && me.role === 'member') {
        throw refuse.notAllowedForRole('In this group only the owner and admins can add members');
      }
      if (this.q.activeMemberCount(conversationId) + targets.length > GROUP_MAX_MEMBERS) {
        throw refuse.invalid(`A group has at most ${GROUP_MAX_MEMBERS} members`, 'userIds');
      }
      const now = this.now();
      for (const target of targets) {
        if (this.q.membership(conversationId, target)?.left_at === null) throw refuse.alreadyAMember();
        this.assertFriendOf(actor, target);
        this.join(emit, conversationId, target, 'member', now);
      }
      this.touch(conversationId, now);
      this.system(emit, conversationId, { kind: 'members_added', actorId: actor, userIds: targets });
    });
  }

  /** Leaves the group. An owner's ownership passes on; the last member leaving ends the group. */
  leave(actor: string, conversationId: string): void {
    transact(this.db, this.bus, (emit) => {
      this.activeGroup(conversationId);
      const me = this.activeMember(conversationId, actor);
      const now = this.now();
      this.end(emit, conversationId, actor, 'left', now);
      this.system(emit, conversationId, { kind: 'member_left', actorId: actor });
      const rest = this.q.activeMembers(conversationId);
      if (rest.length === 0) {
        this.db.prepare('UPDATE conversations SET ended_at = ? WHERE id = ?').run(now, conversationId);
        emit({ type: 'conversation.changed', conversationId });
        return;
      }
      if (me.role === 'owner') {
        const heir = rest.find((m) => m.role === 'admin') ?? rest[0]!;
        this.setRoleRow(emit, conversationId, heir.user_id, 'owner');
        this.system(emit, conversationId, {
          kind: 'role_changed',
          actorId: actor,
          userId: heir.user_id,
          role: 'owner',
        });
      }
      this.touch(conversationId, now);
    });
  }

  /** A deleted account leaves every group it is in, ownership passing on as when leaving. */
  leaveAll(userId: string): void {
    const groups = this.db
      .prepare(
        `SELECT m.conversation_id FROM memberships m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.user_id = ? AND m.left_at IS NULL AND c.kind = 'group' AND c.ended_at IS NULL`,
      )
      .all(userId) as { conversation_id: string }[];
    for (const { conversation_id } of groups) this.leave(userId, conversation_id);
  }

  /** Owner removes anyone; an admin removes plain members; a member removes nobody. */
  removeMember(actor: string, conversationId: string, target: string): void {
    if (actor === target) throw refuse.invalid('To leave the group, use leave', 'userId');
    transact(this.db, this.bus, (emit) => {
      this.activeGroup(conversationId);
      const me = this.activeMember(conversationId, actor);
      const them = this.q.membership(conversationId, target);
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
      this.end(emit, conversationId, target, 'removed', now, actor);
      this.touch(conversationId, now);
      this.system(emit, conversationId, { kind: 'member_removed', actorId: actor, userId: target });
    });
  }

  /** The owner promotes a member to admin or demotes an admin to member. */
  setRole(actor: string, conversationId: string, target: string, role: 'admin' | 'member'): void {
    transact(this.db, this.bus, (emit) => {
      this.activeGroup(conversationId);
      const me = this.activeMember(conversationId, actor);
      if (me.role !== 'owner') throw refuse.notAllowedForRole('Only the owner can promote or demote admins');
      const them = this.q.membership(conversationId, target);
      if (!them || them.left_at !== null) throw refuse.notAMember();
      if (them.role === 'owner')
        throw refuse.notAllowedForRole('Transfer ownership instead of changing your own role');
      if (them.role === role) return;
      this.setRoleRow(emit, conversationId, target, role);
      this.system(emit, conversationId, { kind: 'role_changed', actorId: actor, userId: target, role });
    });
  }

  /** The owner hands ownership to another member and becomes an admin. */
  transferOwnership(actor: string, conversationId: string, target: string): void {
    transact(this.db, this.bus, (emit) => {
      this.activeGroup(conversationId);
      const me = this.activeMember(conversationId, actor);
      if (me.role !== 'owner') throw refuse.notAllowedForRole('Only the owner can transfer ownership');
      const them = this.q.membership(conversationId, target);
      if (!them || them.left_at !== null) throw refuse.notAMember();
      if (target === actor) return;
      this.setRoleRow(emit, conversationId, target, 'owner');
      this.setRoleRow(emit, conversationId, actor, 'admin');
      this.system(emit, conversationId, {
        kind: 'role_changed',
        actorId: actor,
        userId: target,
        role: 'owner',
      });
    });
  }

  private activeGroup(conversationId: string): ConversationRow {
    const group = this.q.conversation(conversationId);
    if (!group) throw refuse.conversationNotFound();
    if (group.kind !== 'group') throw refuse.notAGroup();
    if (group.ended_at !== null) throw refuse.groupEnded();
    return group;
  }

  private activeMember(conversationId: string, userId: string): MembershipRow {
    const membership = this.q.membership(conversationId, userId);
    if (!membership || membership.left_at !== null) throw refuse.notAMember();
    return membership;
  }

  private assertFriendOf(actor: string, other: string): void {
    if (this.relationships.isBlockedEitherWay(actor, other)) throw refuse.blocked();
    if (!this.relationships.areFriends(actor, other)) {
      throw refuse.notFriends('You can only add your friends to a group');
    }
  }

  private join(
    emit: Emit,
    conversationId: string,
    userId: string,
    role: MembershipRow['role'],
    now: number,
  ): void {
    this.db
      .prepare(
        `INSERT INTO memberships (conversation_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(conversation_id, user_id) DO UPDATE SET left_at = NULL, removed_by = NULL, role = excluded.role, joined_at = excluded.joined_at`,
      )
      .run(conversationId, userId, role, now);
    emit({ type: 'membership.changed', conversationId, userId, change: 'added' });
    this.membersChanged(emit, conversationId);
  }

  private end(
    emit: Emit,
    conversationId: string,
    userId: string,
    change: 'left' | 'removed',
    now: number,
    removedBy: string | null = null,
  ): void {
    this.db
      .prepare(
        `UPDATE memberships SET left_at = ?, role = 'member', removed_by = ? WHERE conversation_id = ? AND user_id = ?`,
      )
      .run(now, removedBy, conversationId, userId);
    emit({ type: 'membership.changed', conversationId, userId, change });
    this.membersChanged(emit, conversationId);
  }

  private setRoleRow(emit: Emit, conversationId: string, userId: string, role: MembershipRow['role']): void {
    this.db
      .prepare('UPDATE memberships SET role = ? WHERE conversation_id = ? AND user_id = ?')
      .run(role, conversationId, userId);
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

  private touch(conversationId: string, now: number): void {
    this.db.prepare('UPDATE conversations SET last_activity_at = ? WHERE id = ?').run(now, conversationId);
  }

  private system(emit: Emit, conversationId: string, entry: SystemEntry): void {
    emit({ type: 'conversation.system', conversationId, entry });
  }
}
