import type { Sql } from '../db/index.ts';
import type { Emit } from '../events/after-commit.ts';
import type { EventBus } from '../events/bus.ts';
import { generateSessionToken, isWellFormedToken, sessionIdFromToken } from './tokens.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A session lives 30 days after its last use... */
export const SESSION_LIFETIME_MS = 30 * DAY_MS;
/** ...and is renewed once less than half of that remains, so an active device never signs out. */
export const SESSION_RENEW_BEFORE_MS = 15 * DAY_MS;
/** last_active_at is written at most this often, so reads do not turn into a write per request. */
const ACTIVITY_WRITE_INTERVAL_MS = 60 * 1000;

export interface Session {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  lastActiveAt: number;
  userAgent: string;
}

export interface ValidatedSession {
  session: Session;
  /** True when the expiry moved: the caller must send the cookie again with the new expiry. */
  renewed: boolean;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_active_at: number;
  user_agent: string;
}

const toSession = (row: SessionRow): Session => ({
  id: row.id,
  userId: row.user_id,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  lastActiveAt: row.last_active_at,
  userAgent: row.user_agent,
});

/**
 * Server-side sessions after the design Lucia's author recommends: a random token in the
 * cookie, only its SHA-256 stored, expiry with sliding renewal, revocation by deleting the row.
 * Every revocation is published as `session.revoked`, which closes that device's sync socket.
 */
export class SessionStore {
  constructor(
    private readonly db: Sql,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a session and returns the token to put in the cookie (the only time it exists in clear). */
  async create(
    userId: string,
    userAgent: string,
    q: Sql = this.db,
  ): Promise<{ token: string; session: Session }> {
    const token = generateSessionToken();
    const now = this.now();
    const session: Session = {
      id: sessionIdFromToken(token),
      userId,
      createdAt: now,
      expiresAt: now + SESSION_LIFETIME_MS,
      lastActiveAt: now,
      userAgent: userAgent.slice(0, 512),
    };
    await q.run(
      `INSERT INTO sessions (id, user_id, created_at, expires_at, last_active_at, user_agent)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [session.id, userId, session.createdAt, session.expiresAt, session.lastActiveAt, session.userAgent],
    );
    return { token, session };
  }

  /** The live session for a token, renewed when due; null for unknown, malformed or expired tokens. */
  async validate(token: string): Promise<ValidatedSession | null> {
    if (!isWellFormedToken(token)) return null;
    const id = sessionIdFromToken(token);
    // Every request and every socket upgrade validates: the statement is prepared once.
    const row = await this.db.get<SessionRow>(
      `SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ? AND u.deleted_at IS NULL`,
      [id],
    );
    if (!row) return null;
    const now = this.now();
    if (now >= row.expires_at) {
      await this.revoke(row.id);
      return null;
    }
    const session = toSession(row);
    let renewed = false;
    if (row.expires_at - now < SESSION_RENEW_BEFORE_MS) {
      session.expiresAt = now + SESSION_LIFETIME_MS;
      renewed = true;
    }
    if (renewed || now - row.last_active_at >= ACTIVITY_WRITE_INTERVAL_MS) {
      session.lastActiveAt = now;
      await this.db.run('UPDATE sessions SET expires_at = ?, last_active_at = ? WHERE id = ?', [
        session.expiresAt,
        session.lastActiveAt,
        session.id,
      ]);
    }
    return { session, renewed };
  }

  async listForUser(userId: string): Promise<Session[]> {
    const rows = await this.db.all<SessionRow>(
      'SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_active_at DESC, id',
      [userId, this.now()],
    );
    return rows.map(toSession);
  }

  /** Deletes one session. Returns false when it did not exist (already signed out). */
  async revoke(sessionId: string): Promise<boolean> {
    const row = await this.db.get<{ user_id: string }>(
      'DELETE FROM sessions WHERE id = ? RETURNING user_id',
      [sessionId],
    );
    if (!row) return false;
    this.bus.publish({ type: 'session.revoked', userId: row.user_id, sessionId });
    return true;
  }

  /**
   * Deletes every session of the user but `keepSessionId` ("sign out everywhere else"); returns
   * how many. Inside a caller's transaction, pass it and its `emit` (announced after its commit).
   */
  async revokeAllExcept(
    userId: string,
    keepSessionId: string | null,
    q: Sql = this.db,
    emit: Emit = (event) => this.bus.publish(event),
  ): Promise<number> {
    const rows = await q.all<{ id: string }>(
      'DELETE FROM sessions WHERE user_id = ? AND id IS DISTINCT FROM ? RETURNING id',
      [userId, keepSessionId],
    );
    for (const { id } of rows) emit({ type: 'session.revoked', userId, sessionId: id });
    return rows.length;
  }
}
