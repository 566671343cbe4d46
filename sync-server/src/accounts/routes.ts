import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import type { Services } from '../services.ts';
import { adminRoutes } from './admin-routes.ts';
import { authRateLimit } from './auth-rate-limit.ts';
import { oauthRoutes } from './oauth/routes.ts';
import { passkeyRoutes } from './passkeys/routes.ts';
import { createMeView } from './profile/me-view.ts';
import { methodsRoutes } from './profile/methods-routes.ts';
import { pictureRoutes } from './profile/picture-routes.ts';
import { profileRoutes } from './profile/routes.ts';
import { providersRoute } from './providers-route.ts';
import { originCheck } from './session/origin-check.ts';
import { sessionMiddleware } from './session/middleware.ts';
import { sessionRoutes } from './session/routes.ts';

/**
 * Everything accounts serves, under /api. The session middleware runs for every request (the
 * app mounts it globally); the Origin check guards every state-changing API call.
 */
export function accountsRoutes(services: Services, publicUrl: () => URL): Hono<AppEnv> {
  const { accounts } = services;
  const { pictures, bus } = services;
  const meView = createMeView(accounts, services.media);
  const api = new Hono<AppEnv>();
  const limit = authRateLimit(services.now);
  api.use('/auth/passkey/*', limit);
  api.use('/auth/:provider/start', limit);
  api.route('/', providersRoute(accounts));
  api.route('/auth/passkey', passkeyRoutes({ accounts, publicUrl, meView }));
  api.route('/auth', oauthRoutes({ accounts, pictures, publicUrl, logger: services.logger }));
  api.route('/', sessionRoutes({ sessions: services.sessions, publicUrl }));
  api.route('/', profileRoutes({ accounts, bus, pictures, publicUrl, meView }));
  api.route('/', methodsRoutes({ accounts, meView }));
  api.route('/', pictureRoutes({ accounts, pictures, bus, meView }));
  api.route('/', adminRoutes({ accounts, publicUrl }));
  return api;
}

export { originCheck, sessionMiddleware };
