import type { FriendsResponse, Relationship, SendRequestResponse, UserSummary } from '@messenjo/shared';
import type { Sql } from '../db/index.ts';
import type { EventBus, ServerEvent } from '../events/bus.ts';
import { directKey, ensureDirectConversation } from './direct-conversations.ts';
import { refuse } from './refusals.ts';
import { transact, type Emit } from './transaction.ts';
import type { UserDirectory } from './user-directory.ts';

const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);

/**
 * Friend requests, friendships and blocks. Every change is one transaction that behaves as if
 * transactions ran one at a time (SQLite runs them so; PostgreSQL runs them SERIALIZABLE and
 * retries the one it aborts), so two users sending each other a request "at the same moment"
 * are serialised: the second one finds the first and they become friends, with exactly one
 * direct conversation (also held by the unique `direct_key`).
 */
export class Relationships {
  constructor(
    private readonly db: Sql,
    private readonly bus: EventBus,
    private readonly users: UserDirectory,
    private readonly now: () => number,
  ) {}

  async relationship(me: string, other: string): Promise<Relationship> {
    if (me === other) return 'self';
    if (await this.hasBlocked(me, other)) return 'blocked';
    if (await this.hasBlocked(other, me)) return 'none';
    if (await this.areFriends(me, other)) return 'friend';
    if (await this.hasRequest(other, me)) return 'incoming';
    if (await this.hasRequest(me, other)) return 'outgoing';
    return 'none';
  }

  async areFriends(a: string, b: string, q: Sql = this.db): Promise<boolean> {
    const [x, y] = ordered(a, b);
    return (
      (await q.get('SELECT 1 AS one FROM friendships WHERE user_a = ? AND user_b = ?', [x, y])) !== undefined
    );
  }

  async hasBlocked(blocker: string, blocked: string, q: Sql = this.db): Promise<boolean> {
    const row = await q.get('SELECT 1 AS one FROM blocks WHERE blocker_id = ? AND blocked_id = ?', [
      blocker,
      blocked,
    ]);
    return row !== undefined;
  }

  async isBlockedEitherWay(a: string, b: string, q: Sql = this.db): Promise<boolean> {
    const row = await q.get(
      'SELECT 1 AS one FROM blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)',
      [a, b, b, a],
    );
    return row !== undefined;
  }

  private async hasRequest(from: string, to: string, q: Sql = this.db): Promise<boolean> {
    const row = await q.get(
      'SELECT 1 AS one FROM friend_requests WHERE from_user_id = ? AND to_user_id = ?',
      [from, to],
    );
    return row !== undefined;
  }

  /** Sends a request; if the other user already asked, accepts theirs instead. Idempotent. */
  sendRequest(me: string, other: string): Promise<SendRequestResponse> {
    return transact(this.db, this.bus, async (tx, emit): Promise<SendRequestResponse> => {
      if (me === other) throw refuse.self();
      if (!(await this.users.findActive(other, tx))) throw refuse.userNotFound();
      // Do not reveal who blocked whom: both directions read the same.
      if (await this.isBlockedEitherWay(me, other, tx)) throw refuse.blocked();
      if (await this.areFriends(me, other, tx)) throw refuse.alreadyFriends();
      if (await this.hasRequest(other, me, tx))
        return { status: 'friends', conversationId: await this.befriend(tx, emit, me, other) };
      const inserted = await tx.run(
        `INSERT INTO friend_requests (from_user_id, to_user_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [me, other, this.now()],
      );
      if (inserted.changes > 0) emit(changed(me, other));
      return { status: 'requested' };
    });
  }

  /** Accepts `from`'s request to `me`. Accepting twice (two devices) returns the same conversation. */
  accept(me: string, from: string): Promise<{ conversationId: string }> {
    return transact(this.db, this.bus, async (tx, emit) => {
      if (await this.areFriends(me, from, tx))
        return { conversationId: await this.directConversationOf(me, from, tx) };
      if (!(await this.hasRequest(from, me, tx))) throw refuse.requestNotFound();
      if (await this.isBlockedEitherWay(me, from, tx)) throw refuse.blocked();
      return { conversationId: await this.befriend(tx, emit, me, from) };
    });
  }

  async decline(me: string, from: string): Promise<void> {
    const result = await this.db.run(
      'DELETE FROM friend_requests WHERE from_user_id = ? AND to_user_id = ?',
      [from, me],
    );
    if (result.changes === 0) throw refuse.requestNotFound();
    this.bus.publish(changed(me, from));
  }

  async cancel(me: string, to: string): Promise<void> {
    const result = await this.db.run(
      'DELETE FROM friend_requests WHERE from_user_id = ? AND to_user_id = ?',
      [me, to],
    );
    if (result.changes === 0) throw refuse.requestNotFound();
    this.bus.publish(changed(me, to));
  }

  /** Ends a friendship. The direct conversation stays readable on both sides, closed to new messages. */
  async removeFriend(me: string, other: string): Promise<void> {
    await transact(this.db, this.bus, async (tx, emit) => {
      const [a, b] = ordered(me, other);
      const result = await tx.run('DELETE FROM friendships WHERE user_a = ? AND user_b = ?', [a, b]);
      if (result.changes === 0) throw refuse.notFriends();
      emit(changed(me, other));
      await this.emitDirectChanged(tx, emit, me, other);
    });
  }

  /** Blocks `other`: ends the friendship and every pending request between the two. Idempotent. */
  async block(me: string, other: string): Promise<void> {
    if (me === other) throw refuse.self();
    if (!(await this.users.summaries([other])).has(other)) throw refuse.userNotFound();
    await transact(this.db, this.bus, async (tx, emit) => {
      const [a, b] = ordered(me, other);
      const wereFriends = (await tx.run('DELETE FROM friendships WHERE user_a = ? AND user_b = ?', [a, b]))
        .changes;
      await tx.run(
        `DELETE FROM friend_requests WHERE (from_user_id = ? AND to_user_id = ?) OR (from_user_id = ? AND to_user_id = ?)`,
        [me, other, other, me],
      );
      await tx.run(
        'INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [me, other, this.now()],
      );
      if (wereFriends > 0) await this.emitDirectChanged(tx, emit, me, other);
      emit(changed(me, other));
    });
  }

  async unblock(me: string, other: string): Promise<void> {
    const result = await this.db.run('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?', [
      me,
      other,
    ]);
    if (result.changes > 0) this.bus.publish(changed(me, other));
  }

  /**
   * A deleted account leaves the graph: its friendships, requests and blocks go (each other
   * user is told). Direct conversations stay readable for the other person, closed to new messages.
   */
  async forget(userId: string): Promise<void> {
    await transact(this.db, this.bus, async (tx, emit) => {
      const others = await tx.all<{ other: string }>(
        `SELECT CASE WHEN user_a = ? THEN user_b ELSE user_a END AS other FROM friendships WHERE user_a = ? OR user_b = ?
         UNION SELECT to_user_id FROM friend_requests WHERE from_user_id = ?
         UNION SELECT from_user_id FROM friend_requests WHERE to_user_id = ?
         UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?
         UNION SELECT blocked_id FROM blocks WHERE blocker_id = ?`,
        [userId, userId, userId, userId, userId, userId, userId],
      );
      const directs = await tx.all<{ conversation_id: string }>(
        'SELECT conversation_id FROM friendships WHERE user_a = ? OR user_b = ?',
        [userId, userId],
      );
      await tx.run('DELETE FROM friendships WHERE user_a = ? OR user_b = ?', [userId, userId]);
      await tx.run('DELETE FROM friend_requests WHERE from_user_id = ? OR to_user_id = ?', [userId, userId]);
      await tx.run('DELETE FROM blocks WHERE blocker_id = ? OR blocked_id = ?', [userId, userId]);
      for (const { other } of others) emit(changed(userId, other));
      for (const { conversation_id } of directs)
        emit({ type: 'conversation.changed', conversationId: conversation_id });
    });
  }

  async list(me: string): Promise<FriendsResponse> {
    const [friends, incoming, outgoing, blocked] = await Promise.all([
      this.db.all<{ other: string; conversation_id: string; created_at: number }>(
        `SELECT CASE WHEN user_a = ? THEN user_b ELSE user_a END AS other, conversation_id, created_at
         FROM friendships WHERE user_a = ? OR user_b = ?`,
        [me, me, me],
      ),
      this.db.all<{ other: string; created_at: number }>(
        'SELECT from_user_id AS other, created_at FROM friend_requests WHERE to_user_id = ?',
        [me],
      ),
      this.db.all<{ other: string; created_at: number }>(
        'SELECT to_user_id AS other, created_at FROM friend_requests WHERE from_user_id = ?',
        [me],
      ),
      this.db.all<{ other: string }>('SELECT blocked_id AS other FROM blocks WHERE blocker_id = ?', [me]),
    ]);
    const people = await this.users.summaries(
      [...friends, ...incoming, ...outgoing, ...blocked].map((r) => r.other),
    );
    const who = (id: string): UserSummary =>
      people.get(id) ?? { id, username: '', displayName: '', picture: null };
    const byName = (x: UserSummary, y: UserSummary) => x.username.localeCompare(y.username);
    return {
      friends: friends
        .map((r) => ({ ...who(r.other), conversationId: r.conversation_id, since: r.created_at }))
        .sort(byName),
      incoming: incoming
        .map((r) => ({ ...who(r.other), sentAt: r.created_at }))
        .sort((x, y) => y.sentAt - x.sentAt),
      outgoing: outgoing
        .map((r) => ({ ...who(r.other), sentAt: r.created_at }))
        .sort((x, y) => y.sentAt - x.sentAt),
      blocked: blocked.map((r) => who(r.other)).sort(byName),
    };
  }

  /** Everyone the user is friends with (the conversation list's "can write" of direct conversations). */
  async friendIds(me: string): Promise<Set<string>> {
    const rows = await this.db.all<{ other: string }>(
      'SELECT CASE WHEN user_a = ? THEN user_b ELSE user_a END AS other FROM friendships WHERE user_a = ? OR user_b = ?',
      [me, me, me],
    );
    return new Set(rows.map((r) => r.other));
  }

  async directConversationOf(a: string, b: string, q: Sql = this.db): Promise<string> {
    const [x, y] = ordered(a, b);
    const row = await q.get<{ conversation_id: string }>(
      'SELECT conversation_id FROM friendships WHERE user_a = ? AND user_b = ?',
      [x, y],
    );
    if (!row) throw refuse.notFriends();
    return row.conversation_id;
  }

  private async befriend(tx: Sql, emit: Emit, a: string, b: string): Promise<string> {
    const now = this.now();
    await tx.run(
      `DELETE FROM friend_requests WHERE (from_user_id = ? AND to_user_id = ?) OR (from_user_id = ? AND to_user_id = ?)`,
      [a, b, b, a],
    );
    const conversationId = await ensureDirectConversation(tx, emit, a, b, now);
    const [x, y] = ordered(a, b);
    await tx.run(
      `INSERT INTO friendships (user_a, user_b, conversation_id, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [x, y, conversationId, now],
    );
    emit(changed(a, b));
    emit({ type: 'conversation.changed', conversationId });
    return conversationId;
  }

  private async emitDirectChanged(tx: Sql, emit: Emit, a: string, b: string): Promise<void> {
    const row = await tx.get<{ id: string }>('SELECT id FROM conversations WHERE direct_key = ?', [
      directKey(a, b),
    ]);
    if (row) emit({ type: 'conversation.changed', conversationId: row.id });
  }
}

function changed(a: string, b: string): ServerEvent {
  return { type: 'relationship.changed', userIds: [a, b] };
}
