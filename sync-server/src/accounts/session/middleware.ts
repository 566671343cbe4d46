import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../http/env.ts';
import { sessionCookieName, sessionCookieOptions, type SessionStore } from '../../sessions/index.ts';
import type { UserStore } from '../users.ts';

/**
 * Reads the session cookie on every request, validates it (sliding renewal included) and puts
 * the user and session on the context. A renewed session gets its cookie again with the new
 * expiry; a dead cookie is cleared so the browser stops sending it.
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
    if (token !== undefined) {
      const validated = await deps.sessions.validate(token);
      const user = validated ? await deps.users.get(validated.session.userId) : null;
      if (validated && user) {
        c.set('auth', { user, session: validated.session });
        if (validated.renewed) writeSessionCookie(c, deps.publicUrl(), token, validated.session.expiresAt);
      } else {
        clearSessionCookie(c, deps.publicUrl());
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
