import type { Context } from 'hono';
import type { AppEnv } from '../../http/env.ts';
import type { SessionStore } from '../../sessions/index.ts';
import { writeSessionCookie } from './middleware.ts';

/**
 * Opens a session for the user on this device and sets its cookie: the end of every sign-in.
 * A session this browser already had is ended first, so signing in again (or as someone else)
 * never leaves a live orphan behind the replaced cookie.
 */
export async function startSession(
  c: Context<AppEnv>,
  sessions: SessionStore,
  publicUrl: URL,
  userId: string,
): Promise<void> {
  const previous = c.get('auth');
  if (previous) await sessions.revoke(previous.session.id);
  const { token, session } = await sessions.create(userId, c.req.header('user-agent') ?? '');
  writeSessionCookie(c, publicUrl, token, session.expiresAt);
}
