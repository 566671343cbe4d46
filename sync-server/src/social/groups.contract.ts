import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScratchDatabase } from '../db/scratch-sqlite.ts';
import { DomainError } from '../domain-error.ts';
import { createTestWorld, type TestWorld } from './test-world.ts';

/** The contract of groups (creation, roles, membership): run against SQLite and PostgreSQL. */
export function groupsContract(open: () => Promise<ScratchDatabase>): void {
  let w: TestWorld;
  let owner: string, ann: string, ben: string, cat: string, stranger: string;

  async function befriend(a: string, b: string): Promise<void> {
    await w.social.relationships.sendRequest(a, b);
    await w.social.relationships.accept(b, a);
  }
  async function refusal(fn: () => Promise<unknown>): Promise<{ code: string; field?: string | undefined }> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof DomainError) return { code: error.code, field: error.field };
      throw error;
    }
    throw new Error('expected a refusal');
  }
  const roleOf = async (conversationId: string, userId: string) =>
    (await w.social.conversations.detail(owner === userId ? owner : userId, conversationId)).role;

  beforeEach(async () => {
    w = await createTestWorld(open);
    owner = await w.addUser('owner');
    ann = await w.addUser('ann');
    ben = await w.addUser('ben');
    cat = await w.addUser('cat');
    stranger = await w.addUser('stranger');
    await befriend(owner, ann);
    await befriend(owner, ben);
    await befriend(owner, cat);
    await befriend(ann, stranger);
  });
  afterEach(() => w.close());

  describe('creating a group', () => {
    it('makes the creator owner and adds the chosen friends, recording it in the conversation', async () => {
      w.events.length = 0;
      const { conversationId } = await w.social.groups.create(owner, {
        name: '  Climbing club ',
        memberIds: [ann, ben, ann],
      });
      const detail = await w.social.conversations.detail(owner, conversationId);
      expect(detail).toMatchObject({
        kind: 'group',
        name: 'Climbing club',
        memberCount: 3,
        role: 'owner',
        canWrite: true,
      });
      expect(detail.members.map((m) => [m.id, m.role])).toEqual([
        [owner, 'owner'],
        [ann, 'member'],
        [ben, 'member'],
      ]);
      const system = w.events
        .filter((e) => e.type === 'conversation.system')
        .map((e) => e.type === 'conversation.system' && e.entry);
      expect(system).toEqual([
        { kind: 'group_created', actorId: owner, name: 'Climbing club' },
        { kind: 'members_added', actorId: owner, userIds: [ann, ben] },
      ]);
    });

    it('refuses non-friends and bad names, creating nothing', async () => {
      expect(
        await refusal(() => w.social.groups.create(owner, { name: 'X', memberIds: [stranger] })),
      ).toEqual({
        code: 'not_friends',
        field: undefined,
      });
      expect(await refusal(() => w.social.groups.create(owner, { name: '   ', memberIds: [] }))).toEqual({
        code: 'validation_failed',
        field: 'name',
      });
      expect(
        (await refusal(() => w.social.groups.create(owner, { name: 'x'.repeat(65), memberIds: [] }))).field,
      ).toBe('name');
      expect(
        (await refusal(() => w.social.groups.create(owner, { name: 'a\u0007b', memberIds: [] }))).field,
      ).toBe('name');
      expect((await refusal(() => w.social.groups.create(owner, { name: 42, memberIds: [] }))).field).toBe(
        'name',
      );
      expect((await w.social.conversations.list(owner)).filter((c) => c.kind === 'group')).toEqual([]);
    });

    it('accepts names in any script up to 64 characters', async () => {
      const { conversationId } = await w.social.groups.create(owner, {
        name: '家族 👨‍👩‍👧 семья',
        memberIds: [],
      });
      expect((await w.social.conversations.detail(owner, conversationId)).name).toBe('家族 👨‍👩‍👧 семья');
    });
  });

  describe('group membership and roles', () => {
    let group: string;
    beforeEach(async () => {
      group = (await w.social.groups.create(owner, { name: 'G', memberIds: [ann, ben] })).conversationId;
    });

    it('lets any member add their friends by default, or only admins when the owner says so', async () => {
      await w.social.groups.addMembers(ann, group, [stranger]);
      expect(await w.social.conversations.canWrite(stranger, group)).toBe(true);
      expect((await refusal(() => w.social.groups.addMembers(ann, group, [stranger]))).code).toBe(
        'already_a_member',
      );
      expect((await refusal(() => w.social.groups.addMembers(ben, group, [cat]))).code).toBe('not_friends');
      expect((await refusal(() => w.social.groups.setAddMembersPolicy(ann, group, 'admins'))).code).toBe(
        'not_allowed_for_role',
      );
      await w.social.groups.setAddMembersPolicy(owner, group, 'admins');
      await w.social.groups.removeMember(owner, group, stranger);
      expect((await refusal(() => w.social.groups.addMembers(ann, group, [stranger]))).code).toBe(
        'not_allowed_for_role',
      );
      await w.social.groups.setRole(owner, group, ann, 'admin');
      await w.social.groups.addMembers(ann, group, [stranger]);
      expect(await w.social.conversations.canWrite(stranger, group)).toBe(true);
    });

    it('lets the owner remove anyone, admins remove members only, members nobody', async () => {
      await w.social.groups.addMembers(owner, group, [cat]);
      expect((await refusal(() => w.social.groups.removeMember(ann, group, ben))).code).toBe(
        'not_allowed_for_role',
      );
      await w.social.groups.setRole(owner, group, ann, 'admin');
      await w.social.groups.setRole(owner, group, ben, 'admin');
      expect((await refusal(() => w.social.groups.removeMember(ann, group, ben))).code).toBe(
        'not_allowed_for_role',
      );
      expect((await refusal(() => w.social.groups.removeMember(ann, group, owner))).code).toBe(
        'not_allowed_for_role',
      );
      await w.social.groups.removeMember(ann, group, cat);
      await w.social.groups.removeMember(owner, group, ben);
      expect((await refusal(() => w.social.groups.removeMember(owner, group, ben))).code).toBe(
        'not_a_member',
      );
      expect((await w.social.conversations.detail(owner, group)).members.map((m) => m.id)).toEqual([
        owner,
        ann,
      ]);
    });

    it('a removed member keeps read access, cannot write, and is told by membership events', async () => {
      w.events.length = 0;
      await w.social.groups.removeMember(owner, group, ben);
      expect(await w.social.conversations.canRead(ben, group)).toBe(true);
      expect(await w.social.conversations.canWrite(ben, group)).toBe(false);
      expect((await w.social.conversations.list(ben)).find((c) => c.id === group)).toMatchObject({
        canWrite: false,
        role: null,
      });
      expect(w.events).toContainEqual({
        type: 'membership.changed',
        conversationId: group,
        userId: ben,
        change: 'removed',
      });
      expect((await refusal(() => w.social.groups.rename(ben, group, 'Mine now'))).code).toBe('not_a_member');
    });

    it('[NM2] keeps the names of people who left or were removed, and tells a removed member who removed her', async () => {
      await w.social.groups.removeMember(owner, group, ben);
      await w.social.groups.leave(ann, group);
      await w.social.groups.addMembers(owner, group, [cat]); // joins after both were gone
      const seenByCat = await w.social.conversations.detail(cat, group);
      expect(seenByCat.members.map((m) => m.id)).toEqual([owner, cat]);
      expect(seenByCat.formerMembers?.map((m) => [m.id, m.displayName])).toEqual(
        expect.arrayContaining([
          [ann, 'Ann'],
          [ben, 'Ben'],
        ]),
      );
      expect(seenByCat.membershipEnded).toBeNull();
      const seenByBen = await w.social.conversations.detail(ben, group);
      expect(seenByBen.membershipEnded?.removedBy).toBe(owner);
      expect(seenByBen.membershipEnded?.at).toBeGreaterThan(0);
      expect((await w.social.conversations.detail(ann, group)).membershipEnded).toMatchObject({
        removedBy: null,
      });
      // Rejoining clears the old removal: leaving later is her own doing.
      await w.social.groups.addMembers(owner, group, [ben]);
      await w.social.groups.leave(ben, group);
      expect((await w.social.conversations.detail(ben, group)).membershipEnded).toMatchObject({
        removedBy: null,
      });
    });

    it('only the owner promotes, demotes and transfers ownership', async () => {
      expect((await refusal(() => w.social.groups.setRole(ann, group, ben, 'admin'))).code).toBe(
        'not_allowed_for_role',
      );
      await w.social.groups.setRole(owner, group, ann, 'admin');
      expect((await refusal(() => w.social.groups.setRole(ann, group, ben, 'admin'))).code).toBe(
        'not_allowed_for_role',
      );
      expect((await refusal(() => w.social.groups.transferOwnership(ann, group, ann))).code).toBe(
        'not_allowed_for_role',
      );
      await w.social.groups.transferOwnership(owner, group, ben);
      expect(await roleOf(group, ben)).toBe('owner');
      expect(await roleOf(group, owner)).toBe('admin');
      await w.social.groups.setRole(ben, group, ann, 'member');
      expect(await roleOf(group, ann)).toBe('member');
    });

    it("passes an owner's ownership to the longest-standing admin on leaving, and ends the group with the last member", async () => {
      await w.social.groups.setRole(owner, group, ben, 'admin');
      await w.social.groups.leave(owner, group);
      expect(await roleOf(group, ben)).toBe('owner');
      await w.social.groups.leave(ben, group);
      expect(await roleOf(group, ann)).toBe('owner');
      await w.social.groups.leave(ann, group);
      expect((await w.social.conversations.list(ann)).find((c) => c.id === group)).toMatchObject({
        canWrite: false,
        memberCount: 0,
      });
      expect((await refusal(() => w.social.groups.addMembers(ann, group, [stranger]))).code).toBe(
        'group_ended',
      );
    });

    it('renames for every member and records who did it; refuses direct conversations', async () => {
      w.events.length = 0;
      await w.social.groups.rename(ann, group, 'New name');
      expect((await w.social.conversations.detail(ben, group)).name).toBe('New name');
      expect(w.events).toContainEqual({
        type: 'conversation.system',
        conversationId: group,
        entry: { kind: 'group_renamed', actorId: ann, name: 'New name' },
      });
      const direct = await w.social.relationships.directConversationOf(owner, ann);
      expect((await refusal(() => w.social.groups.rename(owner, direct, 'x'))).code).toBe(
        'validation_failed',
      );
      expect((await refusal(() => w.social.groups.rename(owner, 'c_missing', 'x'))).code).toBe(
        'conversation_not_found',
      );
    });

    it('lets the later rename win when an older one (made offline) arrives after it', async () => {
      const madeOffline = w.clock.now;
      w.clock.now += 1_000;
      await w.social.groups.rename(ben, group, 'Made later');
      w.events.length = 0;
      // Ann's device queued its rename before Ben's and sends it only now: it changes nothing.
      await w.social.groups.rename(ann, group, 'Made earlier', madeOffline);
      expect((await w.social.conversations.detail(ann, group)).name).toBe('Made later');
      expect((await w.social.conversations.detail(ben, group)).name).toBe('Made later');
      expect(w.events).toEqual([]);
      // A rename made after the current name's wins, sent with its own time.
      await w.social.groups.rename(ann, group, 'Newest', w.clock.now);
      expect((await w.social.conversations.detail(ben, group)).name).toBe('Newest');
      // A device clock ahead of the server's counts as now: a later rename still wins over it.
      await w.social.groups.rename(ann, group, 'From the future', w.clock.now + 86_400_000);
      await w.social.groups.rename(ben, group, 'After the future');
      expect((await w.social.conversations.detail(ann, group)).name).toBe('After the future');
    });
  });

  describe('the conversation list', () => {
    it('orders by latest activity and carries kind, name, count and the peer of a direct chat', async () => {
      const group = (await w.social.groups.create(owner, { name: 'Later', memberIds: [ann] })).conversationId;
      const list = await w.social.conversations.list(owner);
      expect(list[0]).toMatchObject({ id: group, kind: 'group', name: 'Later', memberCount: 2 });
      const direct = list.find((c) => c.kind === 'direct' && c.peer?.id === ann);
      expect(direct).toMatchObject({ name: 'Ann', memberCount: 2, canWrite: true, lastMessage: null });
      expect(list.map((c) => c.lastActivityAt)).toEqual(
        [...list.map((c) => c.lastActivityAt)].sort((a, b) => b - a),
      );
    });
  });

  describe('a deleted account', () => {
    it('leaves the graph: friendships, requests and blocks go, groups pass on their ownership', async () => {
      const group = (await w.social.groups.create(owner, { name: 'G', memberIds: [ann, ben] }))
        .conversationId;
      await w.social.relationships.sendRequest(owner, stranger);
      await w.social.relationships.block(cat, owner);
      const direct = await w.social.relationships.directConversationOf(owner, ann);
      // As the accounts feature deletes an account: the row stays, marked, then the event.
      await w.db.run('UPDATE users SET deleted_at = 1 WHERE id = ?', [owner]);
      w.bus.publish({ type: 'user.deleted', userId: owner });
      // The graph forgets the account after the event (its own transactions): wait for the last step.
      await vi.waitFor(async () =>
        expect((await w.social.conversations.detail(ann, group)).members.map((m) => m.id)).not.toContain(
          owner,
        ),
      );
      expect((await w.social.relationships.list(ann)).friends.map((f) => f.id)).not.toContain(owner);
      expect((await w.social.relationships.list(stranger)).incoming).toEqual([]);
      expect((await w.social.relationships.list(cat)).blocked).toEqual([]);
      expect((await w.social.conversations.detail(ann, group)).members.map((m) => [m.id, m.role])).toEqual([
        [ann, 'owner'],
        [ben, 'member'],
      ]);
      // Ann still reads the direct conversation, which no longer takes messages.
      expect(await w.social.conversations.canRead(ann, direct)).toBe(true);
      expect(await w.social.conversations.canWrite(ann, direct)).toBe(false);
    });
  });
}
