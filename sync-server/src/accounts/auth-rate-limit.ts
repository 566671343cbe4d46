import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { RateLimiter } from '../http/rate-limit.ts';

/** Sign-in attempts per address: a burst for a family behind one router, then a steady trickle. */
const AUTH_BURST = 60;
const AUTH_PER_SECOND = 2;

/**
 * Bounds anonymous sign-in traffic per client address (each passkey ceremony stores a
 * challenge; each OAuth start calls out to a provider), so a flood cannot fill the database
 * or hammer the provider. In memory, per process.
 */
export function authRateLimit(now: () => number): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiter(AUTH_BURST, AUTH_PER_SECOND, now);
  return async function limitSignInAttempts(c, next) {
    let address = 'unknown';
    try {
      address = getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      // No socket (app.request in unit tests): one shared bucket.
    }
    limiter.take(address, 'sign-in attempts');
    await next();
  };
}
