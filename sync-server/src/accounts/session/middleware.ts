import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../http/env.ts';
import { sessionCookieName, sessionCookieOptions, type SessionStore } from '../../sessions/index.ts';
import type { UserStore } from '../users.ts';

/**
 * Reads the session cookie on every request, validates it (sliding renewal included) and puts
 * the user and session on the context. A renewed session gets its cookie again with the new
 * expiry; a dead cookie is left alone (SE3): only the person's own sign-out clears it.
 */
export function sessionMiddleware(deps: {
  sessions: SessionStore;
  users: UserStore;
  publicUrl: () => URL;
}): MiddlewareHandler<AppEnv> {
  return async function session(c, next) {
    const name = sessionCookieName(deps.publicUrl());
    const token = getCookie(c, name);
    c.set('auth', undefined);
    c.set('expiredSessionId', undefined);
    if (token !== undefined) {
      const validated = await deps.sessions.validate(token);
      const user = validated ? await deps.users.get(validated.session.userId) : null;
      if (validated && user) {
        c.set('auth', { user, session: validated.session });
        if (validated.renewed) writeSessionCookie(c, deps.publicUrl(), token, validated.session.expiresAt);
      } else {
        // SE1: an expired session keeps its cookie, so every request of that device keeps
        // hearing "expired" until it signs in again. No dead cookie is cleared here (SE3): this
        // answer may reach the browser after a sign-in has set a new cookie, which a clearing
        // Set-Cookie would delete (signing in again then looked like a sign-out, and wiped the
        // device). A dead cookie costs one lookup per request; it is replaced at the next sign-in.
        const expiredId = await deps.sessions.expiredSessionId(token);
        if (expiredId) c.set('expiredSessionId', expiredId);
      }
    }
    await next();
  };
}

export function writeSessionCookie(c: Context, publicUrl: URL, token: string, expiresAt: number): void {
  setCookie(c, sessionCookieName(publicUrl), token, sessionCookieOptions(publicUrl, expiresAt));
}

export function clearSessionCookie(c: Context, publicUrl: URL): void {
  deleteCookie(c, sessionCookieName(publicUrl), {
    path: '/',
    secure: publicUrl.protocol === 'https:',
    httpOnly: true,
    sameSite: 'Lax',
  });
}
