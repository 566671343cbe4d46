import { Hono } from 'hono';
import { notFound } from '../../http/app-error.ts';
import type { AppEnv } from '../../http/env.ts';
import type { Accounts } from '../accounts.ts';
import { requireUser } from '../session/context.ts';
import type { MeView } from './me-view.ts';

/** Removing a passkey or unlinking a provider: only one's own, and never the last way in. */
export function methodsRoutes(deps: { accounts: Accounts; meView: MeView }): Hono<AppEnv> {
  const { accounts } = deps;
  const routes = new Hono<AppEnv>();

  routes.delete('/me/passkeys/:id', async (c) => {
    const { user } = requireUser(c);
    const id = c.req.param('id');
    const removed = await accounts.removeMethod(user.id, {
      exists: async (tx) => (await accounts.passkeys.listForUser(user.id, tx)).some((p) => p.id === id),
      remove: (tx) => accounts.passkeys.remove(user.id, id, tx),
    });
    if (!removed) throw notFound('No such passkey on your account');
    return c.json(await deps.meView(user));
  });

  routes.delete('/me/identities/:provider', async (c) => {
    const { user } = requireUser(c);
    const provider = c.req.param('provider');
    const removed = await accounts.removeMethod(user.id, {
      exists: async (tx) =>
        (await accounts.identities.listForUser(user.id, tx)).some((i) => i.provider === provider),
      remove: (tx) => accounts.identities.unlink(user.id, provider, tx),
    });
    if (!removed) throw notFound(`No ${provider} account is linked to yours`);
    return c.json(await deps.meView(user));
  });

  return routes;
}
