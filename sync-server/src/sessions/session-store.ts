import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
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
  private validateStatement: Statement<unknown[]> | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a session and returns the token to put in the cookie (the only time it exists in clear). */
  create(userId: string, userAgent: string): { token: string; session: Session } {
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
    this.db
      .prepare(
        `INSERT INTO sessions (id, user_id, created_at, expires_at, last_active_at, user_agent)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(session.id, userId, session.createdAt, session.expiresAt, session.lastActiveAt, session.userAgent);
    return { token, session };
  }

  /** The live session for a token, renewed when due; null for unknown, malformed or expired tokens. */
  validate(token: string): ValidatedSession | null {
    if (!isWellFormedToken(token)) return null;
    const id = sessionIdFromToken(token);
    // Prepared once: this runs for every request and socket upgrade (a statement prepared per
    // call costs the parse and holds its native memory until the GC finalizes it).
    this.validateStatement ??= this.db.prepare(
      `SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ? AND u.deleted_at IS NULL`,
    );
    const row = this.validateStatement.get(id) as SessionRow | undefined;
    if (!row) return null;
    const now = this.now();
    if (now >= row.expires_at) {
      this.revoke(row.id);
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
      this.db
        .prepare('UPDATE sessions SET expires_at = ?, last_active_at = ? WHERE id = ?')
        .run(session.expiresAt, session.lastActiveAt, session.id);
    }
    return { session, renewed };
  }

  listForUser(userId: string): Session[] {
    const rows = this.db
      .prepare('SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_active_at DESC')
      .all(userId, this.now()) as SessionRow[];
    return rows.map(toSession);
  }

  /** Deletes one session. Returns false when it did not exist (already signed out). */
  revoke(sessionId: string): boolean {
    const row = this.db.prepare('DELETE FROM sessions WHERE id = ? RETURNING user_id').get(sessionId) as
      { user_id: string } | undefined;
    if (!row) return false;
    this.bus.publish({ type: 'session.revoked', userId: row.user_id, sessionId });
    return true;
  }

  /** Deletes every session of the user but `keepSessionId` ("sign out everywhere else"); returns how many. */
  revokeAllExcept(userId: string, keepSessionId: string | null): number {
    const rows = this.db
      .prepare('DELETE FROM sessions WHERE user_id = ? AND id IS NOT ? RETURNING id')
      .all(userId, keepSessionId) as { id: string }[];
    for (const { id } of rows) this.bus.publish({ type: 'session.revoked', userId, sessionId: id });
    return rows.length;
  }
}
