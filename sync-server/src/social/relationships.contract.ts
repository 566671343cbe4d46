import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScratchDatabase } from '../db/scratch-sqlite.ts';
import { DomainError } from '../domain-error.ts';
import { createTestWorld, type TestWorld } from './test-world.ts';

/** The contract of friend requests, friendships, blocks and search: run against SQLite and PostgreSQL. */
export function relationshipsContract(open: () => Promise<ScratchDatabase>): void {
  let w: TestWorld;
  let alice: string, bob: string, carol: string;
  beforeEach(async () => {
    w = await createTestWorld(open);
    alice = await w.addUser('alice');
    bob = await w.addUser('bob');
    carol = await w.addUser('carol');
  });
  afterEach(() => w.close());

  async function codeOf(fn: () => Promise<unknown>): Promise<string> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
    throw new Error('expected a refusal');
  }
  const directCount = async () =>
    (await w.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM conversations WHERE kind = 'direct'"))?.n;

  describe('friend requests', () => {
    it('request then accept makes friends with one direct conversation both can write', async () => {
      const r = w.social.relationships;
      expect(await r.sendRequest(alice, bob)).toEqual({ status: 'requested' });
      expect(await r.relationship(bob, alice)).toBe('incoming');
      expect(await r.relationship(alice, bob)).toBe('outgoing');
      const { conversationId } = await r.accept(bob, alice);
      expect(await r.relationship(alice, bob)).toBe('friend');
      expect(await directCount()).toBe(1);
      expect(await w.social.conversations.canWrite(alice, conversationId)).toBe(true);
      expect(await w.social.conversations.canWrite(bob, conversationId)).toBe(true);
      expect(await w.social.conversations.canWrite(carol, conversationId)).toBe(false);
      const added = w.events.filter((e) => e.type === 'membership.changed' && e.change === 'added');
      expect(added.map((e) => (e.type === 'membership.changed' ? e.userId : '')).sort()).toEqual([
        alice,
        bob,
      ]);
    });

    it('two users requesting each other end as friends with exactly one conversation', async () => {
      const r = w.social.relationships;
      expect(await r.sendRequest(alice, bob)).toEqual({ status: 'requested' });
      const second = await r.sendRequest(bob, alice);
      expect(second.status).toBe('friends');
      expect((await r.list(alice)).friends.map((f) => f.id)).toEqual([bob]);
      expect((await r.list(alice)).outgoing).toEqual([]);
      expect((await r.list(bob)).incoming).toEqual([]);
      expect(await directCount()).toBe(1);
    });

    it('two users requesting each other at the same moment become friends once, with one conversation', async () => {
      const r = w.social.relationships;
      for (const [a, b] of [
        [alice, bob],
        [bob, carol],
        [carol, alice],
      ] as const) {
        // A third request, sent again by a second device, finds them friends already or made them so.
        const answers = await Promise.allSettled([
          r.sendRequest(a, b),
          r.sendRequest(b, a),
          r.sendRequest(a, b),
        ]);
        const made = answers.flatMap((x) => (x.status === 'fulfilled' ? [x.value.status] : []));
        expect(made).toContain('friends');
        for (const x of answers)
          if (x.status === 'rejected') expect(x.reason).toMatchObject({ code: 'already_friends' });
        expect(await r.relationship(a, b)).toBe('friend');
      }
      expect(await directCount()).toBe(3);
      expect((await r.list(alice)).friends.map((f) => f.id).sort()).toEqual([bob, carol].sort());
      expect((await r.list(alice)).incoming).toEqual([]);
      expect((await r.list(alice)).outgoing).toEqual([]);
    });

    it('accepting again from another device returns the same conversation and creates nothing', async () => {
      const r = w.social.relationships;
      await r.sendRequest(alice, bob);
      await r.sendRequest(alice, bob);
      const first = await r.accept(bob, alice);
      const again = await r.accept(bob, alice);
      expect(again).toEqual(first);
      expect(await directCount()).toBe(1);
      expect(await codeOf(() => r.sendRequest(alice, bob))).toBe('already_friends');
    });

    it('declines and cancels, and refuses what does not exist', async () => {
      const r = w.social.relationships;
      await r.sendRequest(alice, bob);
      await r.decline(bob, alice);
      expect(await r.relationship(alice, bob)).toBe('none');
      expect(await codeOf(() => r.decline(bob, alice))).toBe('request_not_found');
      await r.sendRequest(alice, carol);
      await r.cancel(alice, carol);
      expect((await r.list(carol)).incoming).toEqual([]);
      expect(await codeOf(() => r.cancel(alice, carol))).toBe('request_not_found');
      expect(await codeOf(() => r.accept(bob, alice))).toBe('request_not_found');
    });

    it('refuses requests to oneself, to unknown and to deleted users', async () => {
      const r = w.social.relationships;
      expect(await codeOf(() => r.sendRequest(alice, alice))).toBe('cannot_befriend_self');
      expect(await codeOf(() => r.sendRequest(alice, 'u_nobody'))).toBe('user_not_found');
      await w.db.run('UPDATE users SET deleted_at = 1 WHERE id = ?', [carol]);
      expect(await codeOf(() => r.sendRequest(alice, carol))).toBe('user_not_found');
    });

    it('removing a friend keeps the history readable but closes it to new messages, until friends again', async () => {
      const r = w.social.relationships;
      await r.sendRequest(alice, bob);
      const { conversationId } = await r.accept(bob, alice);
      await r.removeFriend(alice, bob);
      expect(await r.relationship(bob, alice)).toBe('none');
      expect(await w.social.conversations.canRead(bob, conversationId)).toBe(true);
      expect(await w.social.conversations.canWrite(bob, conversationId)).toBe(false);
      const listed = (await w.social.conversations.list(alice)).find((c) => c.id === conversationId);
      expect(listed?.canWrite).toBe(false);
      expect(await codeOf(() => r.removeFriend(alice, bob))).toBe('not_friends');
      await r.sendRequest(bob, alice);
      expect((await r.accept(alice, bob)).conversationId).toBe(conversationId);
      expect(await w.social.conversations.canWrite(bob, conversationId)).toBe(true);
      expect(await directCount()).toBe(1);
    });
  });

  describe('blocking', () => {
    it('ends the friendship and pending requests, and stops requests both ways', async () => {
      const r = w.social.relationships;
      await r.sendRequest(alice, bob);
      const { conversationId } = await r.accept(bob, alice);
      await r.sendRequest(carol, alice);
      await r.block(alice, bob);
      await r.block(alice, carol);
      expect(await r.relationship(alice, bob)).toBe('blocked');
      // The blocked side sees no difference from a stranger: who blocked whom is not revealed.
      expect(await r.relationship(bob, alice)).toBe('none');
      expect(await w.social.conversations.canWrite(bob, conversationId)).toBe(false);
      expect(await w.social.conversations.canWrite(alice, conversationId)).toBe(false);
      expect((await r.list(alice)).incoming).toEqual([]);
      expect(await codeOf(() => r.sendRequest(bob, alice))).toBe('blocked');
      expect(await codeOf(() => r.sendRequest(alice, bob))).toBe('blocked');
      expect((await r.list(alice)).blocked.map((u) => u.id).sort()).toEqual([bob, carol].sort());
    });

    it('unblocking allows a new request but does not restore the friendship', async () => {
      const r = w.social.relationships;
      await r.sendRequest(alice, bob);
      await r.accept(bob, alice);
      await r.block(bob, alice);
      await r.unblock(bob, alice);
      expect(await r.relationship(alice, bob)).toBe('none');
      expect(await r.sendRequest(alice, bob)).toEqual({ status: 'requested' });
    });

    it('announces changes only after they are stored', async () => {
      const r = w.social.relationships;
      w.events.length = 0;
      expect(await codeOf(() => r.sendRequest(alice, 'u_nobody'))).toBe('user_not_found');
      expect(w.events).toEqual([]);
      await r.sendRequest(alice, bob);
      expect(w.events).toEqual([{ type: 'relationship.changed', userIds: [alice, bob] }]);
    });
  });

  describe('user search', () => {
    it('finds by case-insensitive prefix, never oneself, blocked users or users who blocked you', async () => {
      const dave = await w.addUser('Dave_x');
      await w.addUser('dave.y');
      const eve = await w.addUser('davey');
      await w.social.relationships.block(eve, alice);
      const found = (await w.social.search.search(alice, 'DAVE')).map((u) => u.username);
      expect(found).toEqual(['dave.y', 'Dave_x']);
      expect((await w.social.search.search(alice, 'dave_')).map((u) => u.id)).toEqual([dave]);
      expect(await w.social.search.search(alice, 'al')).toEqual([]);
      await w.social.relationships.block(alice, dave);
      expect((await w.social.search.search(alice, 'dave')).map((u) => u.username)).toEqual(['dave.y']);
    });

    it('needs two characters and returns a bounded number of results with the relationship', async () => {
      for (let i = 0; i < 30; i++) await w.addUser(`member${String(i).padStart(2, '0')}`);
      await expect(w.social.search.search(alice, 'm')).rejects.toThrow(/at least 2/);
      expect(await w.social.search.search(alice, 'me')).toHaveLength(20);
      await w.social.relationships.sendRequest(alice, bob);
      expect((await w.social.search.search(alice, 'bo'))[0]).toMatchObject({
        id: bob,
        relationship: 'outgoing',
      });
    });
  });
}
