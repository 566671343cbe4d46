import type { FriendsResponse, Relationship, SendRequestResponse, UserSummary } from '@messenjo/shared';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import type { EventBus, ServerEvent } from '../events/bus.ts';
import { directKey, ensureDirectConversation } from './direct-conversations.ts';
import { refuse } from './refusals.ts';
import { transact, type Emit } from './transaction.ts';
import type { UserDirectory } from './user-directory.ts';

const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);

/**
 * Friend requests, friendships and blocks. Every method runs in one SQLite transaction, and
 * better-sqlite3 runs them one at a time, so two users sending each other a request "at the
 * same moment" are serialised: the second one finds the first and they become friends, with
 * exactly one direct conversation.
 */
export class Relationships {
  private friendship: Statement | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly users: UserDirectory,
    private readonly now: () => number,
  ) {}

  relationship(me: string, other: string): Relationship {
    if (me === other) return 'self';
    if (this.isBlockedEitherWay(me, other)) return this.hasBlocked(me, other) ? 'blocked' : 'none';
    if (this.areFriends(me, other)) return 'friend';
    if (this.hasRequest(other, me)) return 'incoming';
    if (this.hasRequest(me, other)) return 'outgoing';
    return 'none';
  }

  areFriends(a: string, b: string): boolean {
    const [x, y] = ordered(a, b);
    return (
      this.db.prepare('SELECT 1 FROM friendships WHERE user_a = ? AND user_b = ?').get(x, y) !== undefined
    );
  }

  hasBlocked(blocker: string, blocked: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?')
        .get(blocker, blocked) !== undefined
    );
  }

  isBlockedEitherWay(a: string, b: string): boolean {
    return this.hasBlocked(a, b) || this.hasBlocked(b, a);
  }

  private hasRequest(from: string, to: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM friend_requests WHERE from_user_id = ? AND to_user_id = ?')
        .get(from, to) !== undefined
    );
  }

  /** Sends a request; if the other user already asked, accepts theirs instead. Idempotent. */
  sendRequest(me: string, other: string): SendRequestResponse {
    return transact(this.db, this.bus, (emit): SendRequestResponse => {
      if (me === other) throw refuse.self();
      if (!this.users.findActive(other)) throw refuse.userNotFound();
      // Do not reveal who blocked whom: both directions read the same.
      if (this.isBlockedEitherWay(me, other)) throw refuse.blocked();
      if (this.areFriends(me, other)) throw refuse.alreadyFriends();
      if (this.hasRequest(other, me))
        return { status: 'friends', conversationId: this.befriend(emit, me, other) };
      const inserted = this.db
        .prepare(
          `INSERT INTO friend_requests (from_user_id, to_user_id, created_at) VALUES (?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(me, other, this.now());
      if (inserted.changes > 0) emit(changed(me, other));
      return { status: 'requested' };
    });
  }

  /** Accepts `from`'s request to `me`. Accepting twice (two devices) returns the same conversation. */
  accept(me: string, from: string): { conversationId: string } {
    return transact(this.db, this.bus, (emit) => {
      if (this.areFriends(me, from)) return { conversationId: this.directConversationOf(me, from) };
      if (!this.hasRequest(from, me)) throw refuse.requestNotFound();
      if (this.isBlockedEitherWay(me, from)) throw refuse.blocked();
      return { conversationId: this.befriend(emit, me, from) };
    });
  }

  decline(me: string, from: string): void {
    const result = this.db
      .prepare('DELETE FROM friend_requests WHERE from_user_id = ? AND to_user_id = ?')
      .run(from, me);
    if (result.changes === 0) throw refuse.requestNotFound();
    this.bus.publish(changed(me, from));
  }

  cancel(me: string, to: string): void {
    const result = this.db
      .prepare('DELETE FROM friend_requests WHERE from_user_id = ? AND to_user_id = ?')
      .run(me, to);
    if (result.changes === 0) throw refuse.requestNotFound();
    this.bus.publish(changed(me, to));
  }

  /** Ends a friendship. The direct conversation stays readable on both sides, closed to new messages. */
  removeFriend(me: string, other: string): void {
    transact(this.db, this.bus, (emit) => {
      const [a, b] = ordered(me, other);
      const result = this.db.prepare('DELETE FROM friendships WHERE user_a = ? AND user_b = ?').run(a, b);
      if (result.changes === 0) throw refuse.notFriends();
      emit(changed(me, other));
      this.emitDirectChanged(emit, me, other);
    });
  }

  /** Blocks `other`: ends the friendship and every pending request between the two. Idempotent. */
  block(me: string, other: string): void {
    if (me === other) throw refuse.self();
    if (!this.users.summaries([other]).has(other)) throw refuse.userNotFound();
    transact(this.db, this.bus, (emit) => {
      const [a, b] = ordered(me, other);
      const wereFriends = this.db
        .prepare('DELETE FROM friendships WHERE user_a = ? AND user_b = ?')
        .run(a, b).changes;
      this.db
        .prepare(
          `DELETE FROM friend_requests WHERE (from_user_id = ? AND to_user_id = ?) OR (from_user_id = ? AND to_user_id = ?)`,
        )
        .run(me, other, other, me);
      this.db
        .prepare(
          'INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(me, other, this.now());
      if (wereFriends > 0) this.emitDirectChanged(emit, me, other);
      emit(changed(me, other));
    });
  }

  unblock(me: string, other: string): void {
    const result = this.db
      .prepare('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?')
      .run(me, other);
    if (result.changes > 0) this.bus.publish(changed(me, other));
  }

  /**
   * A deleted account leaves the graph: its friendships, requests and blocks go (each other
   * user is told). Direct conversations stay readable for the other person, closed to new messages.
   */
  forget(userId: string): void {
    transact(this.db, this.bus, (emit) => {
      const others = this.db
        .prepare(
          `SELECT CASE WHEN user_a = ? THEN user_b ELSE user_a END AS other FROM friendships WHERE user_a = ? OR user_b = ?
           UNION SELECT to_user_id FROM friend_requests WHERE from_user_id = ?
           UNION SELECT from_user_id FROM friend_requests WHERE to_user_id = ?
           UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?
           UNION SELECT blocked_id FROM blocks WHERE blocker_id = ?`,
        )
        .all(userId, userId, userId, userId, userId, userId, userId) as { other: string }[];
      const directs = this.db
        .prepare('SELECT conversation_id FROM friendships WHERE user_a = ? OR user_b = ?')
        .all(userId, userId) as { conversation_id: string }[];
      this.db.prepare('DELETE FROM friendships WHERE user_a = ? OR user_b = ?').run(userId, userId);
      this.db
        .prepare('DELETE FROM friend_requests WHERE from_user_id = ? OR to_user_id = ?')
        .run(userId, userId);
      this.db.prepare('DELETE FROM blocks WHERE blocker_id = ? OR blocked_id = ?').run(userId, userId);
      for (const { other } of others) emit(changed(userId, other));
      for (const { conversation_id } of directs)
        emit({ type: 'conversation.changed', conversationId: conversation_id });
    });
  }

  list(me: string): FriendsResponse {
    const friends = this.db
      .prepare(
        `SELECT CASE WHEN user_a = ? THEN user_b ELSE user_a END AS other, conversation_id, created_at
         FROM friendships WHERE user_a = ? OR user_b = ?`,
      )
      .all(me, me, me) as { other: string; conversation_id: string; created_at: number }[];
    const incoming = this.db
      .prepare('SELECT from_user_id AS other, created_at FROM friend_requests WHERE to_user_id = ?')
      .all(me) as { other: string; created_at: number }[];
    const outgoing = this.db
      .prepare('SELECT to_user_id AS other, created_at FROM friend_requests WHERE from_user_id = ?')
      .all(me) as { other: string; created_at: number }[];
    const blocked = this.db
      .prepare('SELECT blocked_id AS other FROM blocks WHERE blocker_id = ?')
      .all(me) as {
      other: string;
    }[];
    const people = this.users.summaries(
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

  directConversationOf(a: string, b: string): string {
    const [x, y] = ordered(a, b);
    const row = this.db
      .prepare('SELECT conversation_id FROM friendships WHERE user_a = ? AND user_b = ?')
      .get(x, y) as { conversation_id: string } | undefined;
    if (!row) throw refuse.notFriends();
    return row.conversation_id;
  }

  private befriend(emit: Emit, a: string, b: string): string {
    const now = this.now();
    this.db
      .prepare(
        `DELETE FROM friend_requests WHERE (from_user_id = ? AND to_user_id = ?) OR (from_user_id = ? AND to_user_id = ?)`,
      )
      .run(a, b, b, a);
    const conversationId = ensureDirectConversation(this.db, emit, a, b, now);
    const [x, y] = ordered(a, b);
    this.db
      .prepare(
        `INSERT INTO friendships (user_a, user_b, conversation_id, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(x, y, conversationId, now);
    emit(changed(a, b));
    emit({ type: 'conversation.changed', conversationId });
    return conversationId;
  }

  private emitDirectChanged(emit: Emit, a: string, b: string): void {
    const row = this.db.prepare('SELECT id FROM conversations WHERE direct_key = ?').get(directKey(a, b)) as
      { id: string } | undefined;
    if (row) emit({ type: 'conversation.changed', conversationId: row.id });
  }
}

function changed(a: string, b: string): ServerEvent {
  return { type: 'relationship.changed', userIds: [a, b] };
}
