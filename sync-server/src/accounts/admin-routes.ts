import type { InviteInfo } from '@messenjo/shared';
import { Hono, type Context } from 'hono';
import { AppError } from '../http/app-error.ts';
import type { AppEnv } from '../http/env.ts';
import type { Accounts } from './accounts.ts';
import { requireUser } from './session/context.ts';

function requireAdmin(c: Context<AppEnv>) {
  const auth = requireUser(c);
  if (!auth.user.isAdmin) throw new AppError(403, 'forbidden', 'Only an admin of this server can do this');
  return auth;
}

/** Invite links (for invite-only servers), made and listed by admins. */
export function adminRoutes(deps: { accounts: Accounts; publicUrl: () => URL }): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post('/admin/invites', async (c) => {
    const { user } = requireAdmin(c);
    return c.json<InviteInfo>(await deps.accounts.registration.create(user.id, deps.publicUrl()), 201);
  });
  routes.get('/admin/invites', async (c) => {
    requireAdmin(c);
    return c.json<{ invites: InviteInfo[] }>({
      invites: await deps.accounts.registration.list(deps.publicUrl()),
    });
  });
  return routes;
}
