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

  routes.delete('/me/passkeys/:id', (c) => {
    const { user } = requireUser(c);
    const id = c.req.param('id');
    accounts.db
      .transaction(() => {
        if (!accounts.passkeys.listForUser(user.id).some((p) => p.id === id)) {
          throw notFound('No such passkey on your account');
        }
        accounts.assertNotLastMethod(user.id);
        accounts.passkeys.remove(user.id, id);
      })
      .immediate();
    return c.json(deps.meView(user));
  });

  routes.delete('/me/identities/:provider', (c) => {
    const { user } = requireUser(c);
    const provider = c.req.param('provider');
    accounts.db
      .transaction(() => {
        if (!accounts.identities.listForUser(user.id).some((i) => i.provider === provider)) {
          throw notFound(`No ${provider} account is linked to yours`);
        }
        accounts.assertNotLastMethod(user.id);
        accounts.identities.unlink(user.id, provider);
      })
      .immediate();
    return c.json(deps.meView(user));
  });

  return routes;
}
