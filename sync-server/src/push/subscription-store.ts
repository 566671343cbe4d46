import type { Db } from '../db/index.ts';

/** A device session's push subscription (RFC 8030 endpoint, RFC 8291 keys). */
export interface StoredPushSubscription {
  sessionId: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: number;
}

/**
 * Where push subscriptions live: one per device session, gone with the session. Asynchronous
 * like every store that a PostgreSQL implementation will also serve (SQLite answers at once).
 */
export interface PushSubscriptionStore {
  /** Sets the session's subscription; an endpoint held by another session moves to this one. */
  put(subscription: StoredPushSubscription): Promise<void>;
  forSession(sessionId: string): Promise<StoredPushSubscription | undefined>;
  /** The subscriptions of these users' live (unexpired) sessions. */
  forUsers(userIds: readonly string[], now: number): Promise<StoredPushSubscription[]>;
  removeSession(sessionId: string): Promise<boolean>;
  /** Drops a subscription the push service no longer knows (404/410), unless it was replaced meanwhile. */
  removeEndpoint(endpoint: string): Promise<boolean>;
}

interface Row {
  session_id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: number;
}

const toSubscription = (row: Row): StoredPushSubscription => ({
  sessionId: row.session_id,
  userId: row.user_id,
  endpoint: row.endpoint,
  p256dh: row.p256dh,
  auth: row.auth,
  createdAt: row.created_at,
});

/** A large group's members in one query each, within SQLite's bound-parameter limit. */
const USERS_PER_QUERY = 500;

export class SqlitePushSubscriptionStore implements PushSubscriptionStore {
  constructor(private readonly db: Db) {}

  put(s: StoredPushSubscription): Promise<void> {
    this.db
      .transaction(() => {
        this.db
          .prepare('DELETE FROM push_subscriptions WHERE endpoint = ? AND session_id <> ?')
          .run(s.endpoint, s.sessionId);
        this.db
          .prepare(
            `INSERT INTO push_subscriptions (session_id, user_id, endpoint, p256dh, auth, created_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (session_id) DO UPDATE SET
               endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth,
               created_at = CASE WHEN push_subscriptions.endpoint = excluded.endpoint
                                 THEN push_subscriptions.created_at ELSE excluded.created_at END`,
          )
          .run(s.sessionId, s.userId, s.endpoint, s.p256dh, s.auth, s.createdAt);
      })
      // IMMEDIATE: the commit worker writes the same file (see ARCHITECTURE.md, "Database").
      .immediate();
    return Promise.resolve();
  }

  forSession(sessionId: string): Promise<StoredPushSubscription | undefined> {
    const row = this.db.prepare('SELECT * FROM push_subscriptions WHERE session_id = ?').get(sessionId) as
      Row | undefined;
    return Promise.resolve(row && toSubscription(row));
  }

  forUsers(userIds: readonly string[], now: number): Promise<StoredPushSubscription[]> {
    const found: StoredPushSubscription[] = [];
    for (let i = 0; i < userIds.length; i += USERS_PER_QUERY) {
      const chunk = userIds.slice(i, i + USERS_PER_QUERY);
      const rows = this.db
        .prepare(
          `SELECT p.* FROM push_subscriptions p JOIN sessions s ON s.id = p.session_id
           WHERE p.user_id IN (${chunk.map(() => '?').join(',')}) AND s.expires_at > ?`,
        )
        .all(...chunk, now) as Row[];
      for (const row of rows) found.push(toSubscription(row));
    }
    return Promise.resolve(found);
  }

  removeSession(sessionId: string): Promise<boolean> {
    return Promise.resolve(
      this.db.prepare('DELETE FROM push_subscriptions WHERE session_id = ?').run(sessionId).changes > 0,
    );
  }

  removeEndpoint(endpoint: string): Promise<boolean> {
    return Promise.resolve(
      this.db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?').run(endpoint).changes > 0,
    );
  }
}
