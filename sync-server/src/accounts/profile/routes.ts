import { updateProfileRequestSchema, type SessionStateResponse } from '@messenjo/shared';
import { Hono } from 'hono';
import type { EventBus } from '../../events/bus.ts';
import type { AppEnv } from '../../http/env.ts';
import { readJson } from '../../http/validate.ts';
import type { Accounts } from '../accounts.ts';
import type { Pictures } from '../media/pictures.ts';
import { requireUser } from '../session/context.ts';
import { clearSessionCookie } from '../session/middleware.ts';
import { deleteAccount } from './delete-account.ts';
import type { MeView } from './me-view.ts';

/** `GET /api/me`, changing the username and display name, deleting the account. */
export function profileRoutes(deps: {
  accounts: Accounts;
  bus: EventBus;
  pictures: Pictures;
  publicUrl: () => URL;
  meView: MeView;
}): Hono<AppEnv> {
  const { accounts } = deps;
  const routes = new Hono<AppEnv>();

  routes.get('/me', async (c) => c.json(await deps.meView(requireUser(c).user)));

  // The app's start-up question "is anyone signed in here?": 200 either way, so an anonymous
  // visit does not log a failed request in the browser console.
  routes.get('/auth/session', async (c) => {
    const auth = c.get('auth');
    return c.json<SessionStateResponse>({ me: auth ? await deps.meView(auth.user) : null });
  });

  routes.patch('/me', async (c) => {
    const { user } = requireUser(c);
    const body = await readJson(c, updateProfileRequestSchema);
    // Each field is one statement (the username's uniqueness is its index's): a refused
    // username changes nothing, as it is written first.
    if (body.username !== undefined) {
      await accounts.users.setUsername(user.id, body.username);
      // Until the person picks one, the display name follows the first username.
      if (user.displayName === '' && body.displayName === undefined) {
        await accounts.users.setDisplayName(user.id, body.username);
      }
    }
    if (body.displayName !== undefined) await accounts.users.setDisplayName(user.id, body.displayName);
    deps.bus.publish({ type: 'user.changed', userId: user.id });
    return c.json(await deps.meView(user));
  });

  // Account deletion: the person's messages stay for the others as "deleted user".
  routes.delete('/me', async (c) => {
    const { user } = requireUser(c);
    await deleteAccount(accounts, deps.pictures, user.id);
    clearSessionCookie(c, deps.publicUrl());
    return c.body(null, 204);
  });

  return routes;
}
