import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../http/app-error.ts';
import type { AppEnv } from '../../http/env.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request protection for every state-changing API call: the Origin header must be
 * our public origin. Browsers always send Origin on non-GET fetches, so a page on another site
 * cannot make a signed-in person's browser change anything (SameSite=Lax is the second fence).
 * Non-browser clients (tests, scripts) send the header themselves.
 */
export function originCheck(publicUrl: () => URL): MiddlewareHandler<AppEnv> {
  return async function requireSameOrigin(c, next) {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin !== publicUrl().origin) {
        throw new AppError(
          403,
          'cross_site_request',
          origin === undefined
            ? 'State-changing requests must carry an Origin header'
            : `Requests from ${origin} are not allowed`,
        );
      }
    }
    await next();
  };
}
