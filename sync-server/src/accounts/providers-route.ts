import type { OAuthProviderId, ProvidersResponse } from '@messenjo/shared';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import type { Accounts } from './accounts.ts';

/** `GET /api/auth/providers`: which sign-in buttons the app shows. */
export function providersRoute(accounts: Accounts): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/auth/providers', (c) => {
    const enabled = (['github', 'google', 'oidc'] as const).filter((id) => accounts.config[id] !== undefined);
    const body: ProvidersResponse = {
      passkey: true,
      providers: enabled.map((id: OAuthProviderId) => ({ id, name: accounts.providerName(id) })),
      registration: accounts.config.registration,
    };
    return c.json(body);
  });
  return routes;
}
