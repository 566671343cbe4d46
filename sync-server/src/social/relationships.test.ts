import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.ts';
import { createTestWorld, type TestWorld } from './test-world.ts';

let w: TestWorld;
let alice: string, bob: string, carol: string;
beforeEach(() => {
  w = createTestWorld();
  alice = w.addUser('alice');
  bob = w.addUser('bob');
  carol = w.addUser('carol');
});
afterEach(() => w.close());

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}
const directCount = () =>
  (w.db.prepare("SELECT COUNT(*) AS n FROM conversations WHERE kind = 'direct'").get() as { n: number }).n;

describe('friend requests', () => {
  it('request then accept makes friends with one direct conversation both can write', () => {
    const r = w.social.relationships;
    expect(r.sendRequest(alice, bob)).toEqual({ status: 'requested' });
    expect(r.relationship(bob, alice)).toBe('incoming');
    expect(r.relationship(alice, bob)).toBe('outgoing');
    const { conversationId } = r.accept(bob, alice);
    expect(r.relationship(alice, bob)).toBe('friend');
    expect(directCount()).toBe(1);
    expect(w.social.conversations.canWrite(alice, conversationId)).toBe(true);
    expect(w.social.conversations.canWrite(bob, conversationId)).toBe(true);
    expect(w.social.conversations.canWrite(carol, conversationId)).toBe(false);
    const added = w.events.filter((e) => e.type === 'membership.changed' && e.change === 'added');
    expect(added.map((e) => (e.type === 'membership.changed' ? e.userId : '')).sort()).toEqual([alice, bob]);
  });

  it('two users requesting each other end as friends with exactly one conversation', () => {
    const r = w.social.relationships;
    expect(r.sendRequest(alice, bob)).toEqual({ status: 'requested' });
    const second = r.sendRequest(bob, alice);
    expect(second.status).toBe('friends');
    expect(r.list(alice).friends.map((f) => f.id)).toEqual([bob]);
    expect(r.list(alice).outgoing).toEqual([]);
    expect(r.list(bob).incoming).toEqual([]);
    expect(directCount()).toBe(1);
  });

  it('accepting again from another device returns the same conversation and creates nothing', () => {
    const r = w.social.relationships;
    r.sendRequest(alice, bob);
    r.sendRequest(alice, bob);
    const first = r.accept(bob, alice);
    const again = r.accept(bob, alice);
    expect(again).toEqual(first);
    expect(directCount()).toBe(1);
    expect(codeOf(() => r.sendRequest(alice, bob))).toBe('already_friends');
  });

  it('declines and cancels, and refuses what does not exist', () => {
    const r = w.social.relationships;
    r.sendRequest(alice, bob);
    r.decline(bob, alice);
    expect(r.relationship(alice, bob)).toBe('none');
    expect(codeOf(() => r.decline(bob, alice))).toBe('request_not_found');
    r.sendRequest(alice, carol);
    r.cancel(alice, carol);
    expect(r.list(carol).incoming).toEqual([]);
    expect(codeOf(() => r.cancel(alice, carol))).toBe('request_not_found');
    expect(codeOf(() => r.accept(bob, alice))).toBe('request_not_found');
  });

  it('refuses requests to oneself, to unknown and to deleted users', () => {
    const r = w.social.relationships;
    expect(codeOf(() => r.sendRequest(alice, alice))).toBe('cannot_befriend_self');
    expect(codeOf(() => r.sendRequest(alice, 'u_nobody'))).toBe('user_not_found');
    w.db.prepare('UPDATE users SET deleted_at = 1 WHERE id = ?').run(carol);
    expect(codeOf(() => r.sendRequest(alice, carol))).toBe('user_not_found');
  });

  it('removing a friend keeps the history readable but closes it to new messages, until friends again', () => {
    const r = w.social.relationships;
    r.sendRequest(alice, bob);
    const { conversationId } = r.accept(bob, alice);
    r.removeFriend(alice, bob);
    expect(r.relationship(bob, alice)).toBe('none');
    expect(w.social.conversations.canRead(bob, conversationId)).toBe(true);
    expect(w.social.conversations.canWrite(bob, conversationId)).toBe(false);
    const listed = w.social.conversations.list(alice).find((c) => c.id === conversationId);
    expect(listed?.canWrite).toBe(false);
    expect(codeOf(() => r.removeFriend(alice, bob))).toBe('not_friends');
    r.sendRequest(bob, alice);
    expect(r.accept(alice, bob).conversationId).toBe(conversationId);
    expect(w.social.conversations.canWrite(bob, conversationId)).toBe(true);
    expect(directCount()).toBe(1);
  });
});

describe('blocking', () => {
  it('ends the friendship and pending requests, and stops requests both ways', () => {
    const r = w.social.relationships;
    r.sendRequest(alice, bob);
    const { conversationId } = r.accept(bob, alice);
    r.sendRequest(carol, alice);
    r.block(alice, bob);
    r.block(alice, carol);
    expect(r.relationship(alice, bob)).toBe('blocked');
    // The blocked side sees no difference from a stranger: who blocked whom is not revealed.
    expect(r.relationship(bob, alice)).toBe('none');
    expect(w.social.conversations.canWrite(bob, conversationId)).toBe(false);
    expect(w.social.conversations.canWrite(alice, conversationId)).toBe(false);
    expect(r.list(alice).incoming).toEqual([]);
    expect(codeOf(() => r.sendRequest(bob, alice))).toBe('blocked');
    expect(codeOf(() => r.sendRequest(alice, bob))).toBe('blocked');
    expect(
      r
        .list(alice)
        .blocked.map((u) => u.id)
        .sort(),
    ).toEqual([bob, carol].sort());
  });

  it('unblocking allows a new request but does not restore the friendship', () => {
    const r = w.social.relationships;
    r.sendRequest(alice, bob);
    r.accept(bob, alice);
    r.block(bob, alice);
    r.unblock(bob, alice);
    expect(r.relationship(alice, bob)).toBe('none');
    expect(r.sendRequest(alice, bob)).toEqual({ status: 'requested' });
  });

  it('announces changes only after they are stored', () => {
    const r = w.social.relationships;
    w.events.length = 0;
    expect(codeOf(() => r.sendRequest(alice, 'u_nobody'))).toBe('user_not_found');
    expect(w.events).toEqual([]);
    r.sendRequest(alice, bob);
    expect(w.events).toEqual([{ type: 'relationship.changed', userIds: [alice, bob] }]);
  });
});

describe('user search', () => {
  it('finds by case-insensitive prefix, never oneself, blocked users or users who blocked you', () => {
    const dave = w.addUser('Dave_x');
    w.addUser('dave.y');
    const eve = w.addUser('davey');
    w.social.relationships.block(eve, alice);
    const found = w.social.search.search(alice, 'DAVE').map((u) => u.username);
    expect(found).toEqual(['dave.y', 'Dave_x']);
    expect(w.social.search.search(alice, 'dave_').map((u) => u.id)).toEqual([dave]);
    expect(w.social.search.search(alice, 'al')).toEqual([]);
    w.social.relationships.block(alice, dave);
    expect(w.social.search.search(alice, 'dave').map((u) => u.username)).toEqual(['dave.y']);
  });

  it('needs two characters and returns a bounded number of results with the relationship', () => {
    for (let i = 0; i < 30; i++) w.addUser(`member${String(i).padStart(2, '0')}`);
    expect(() => w.social.search.search(alice, 'm')).toThrow(/at least 2/);
    expect(w.social.search.search(alice, 'me')).toHaveLength(20);
    w.social.relationships.sendRequest(alice, bob);
    expect(w.social.search.search(alice, 'bo')[0]).toMatchObject({ id: bob, relationship: 'outgoing' });
  });
});
