import { inList, type Sql } from '../db/index.ts';

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

/**
 * The subscriptions on the storage port (SQLite or PostgreSQL, the same SQL). `put` is one
 * transaction: the endpoint moves off another session and lands on this one together, so two
 * devices racing for one endpoint (a browser profile copied) leave it on one of them.
 */
export class SqlPushSubscriptionStore implements PushSubscriptionStore {
  constructor(private readonly db: Sql) {}

  put(s: StoredPushSubscription): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM push_subscriptions WHERE endpoint = ? AND session_id <> ?', [
        s.endpoint,
        s.sessionId,
      ]);
      await tx.run(
        `INSERT INTO push_subscriptions (session_id, user_id, endpoint, p256dh, auth, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id) DO UPDATE SET
           endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth,
           created_at = CASE WHEN push_subscriptions.endpoint = excluded.endpoint
                             THEN push_subscriptions.created_at ELSE excluded.created_at END`,
        [s.sessionId, s.userId, s.endpoint, s.p256dh, s.auth, s.createdAt],
      );
    });
  }

  async forSession(sessionId: string): Promise<StoredPushSubscription | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM push_subscriptions WHERE session_id = ?', [sessionId]);
    return row && toSubscription(row);
  }

  async forUsers(userIds: readonly string[], now: number): Promise<StoredPushSubscription[]> {
    if (userIds.length === 0) return [];
    // One parameter for the whole list (`inList`), so a large group is one query on both engines.
    const users = inList(this.db, 'p.user_id', userIds);
    const rows = await this.db.all<Row>(
      `SELECT p.* FROM push_subscriptions p JOIN sessions s ON s.id = p.session_id
       WHERE ${users.clause} AND s.expires_at > ?`,
      [users.param, now],
    );
    return rows.map(toSubscription);
  }

  async removeSession(sessionId: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM push_subscriptions WHERE session_id = ?', [sessionId]);
    return changes > 0;
  }

  async removeEndpoint(endpoint: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM push_subscriptions WHERE endpoint = ?', [endpoint]);
    return changes > 0;
  }
}
