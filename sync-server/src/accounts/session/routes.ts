import type { SessionsResponse } from '@messenjo/shared';
import { Hono } from 'hono';
import { notFound } from '../../http/app-error.ts';
import type { AppEnv } from '../../http/env.ts';
import type { SessionStore } from '../../sessions/index.ts';
import { requireUser } from './context.ts';
import { clearSessionCookie } from './middleware.ts';
import { deviceNameFromUserAgent } from './user-agent.ts';

/** Sign-out and the devices list ("sign out this device", "sign out everywhere else"). */
export function sessionRoutes(deps: { sessions: SessionStore; publicUrl: () => URL }): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  // Signing out twice, or without a session, is not an error: the device is signed out either way.
  routes.post('/auth/sign-out', async (c) => {
    const auth = c.get('auth');
    if (auth) await deps.sessions.revoke(auth.session.id);
    clearSessionCookie(c, deps.publicUrl());
    return c.body(null, 204);
  });

  routes.get('/me/sessions', async (c) => {
    const { user, session } = requireUser(c);
    const body: SessionsResponse = {
      sessions: (await deps.sessions.listForUser(user.id)).map((s) => ({
        id: s.id,
        deviceName: deviceNameFromUserAgent(s.userAgent),
        createdAt: s.createdAt,
        lastActiveAt: s.lastActiveAt,
        current: s.id === session.id,
      })),
    };
    return c.json(body);
  });

  // Only the user's own sessions can be found: another user's id is a 404, like a missing one.
  routes.delete('/me/sessions/:id', async (c) => {
    const { user, session } = requireUser(c);
    const id = c.req.param('id');
    const target = (await deps.sessions.listForUser(user.id)).find((s) => s.id === id);
    if (!target) throw notFound('No such session on your account');
    await deps.sessions.revoke(target.id);
    if (target.id === session.id) clearSessionCookie(c, deps.publicUrl());
    return c.body(null, 204);
  });

  routes.post('/me/sessions/revoke-others', async (c) => {
    const { user, session } = requireUser(c);
    const revoked = await deps.sessions.revokeAllExcept(user.id, session.id);
    return c.json({ revoked });
  });

  return routes;
}
