import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.ts';
import { silentLogger } from '../logger.ts';
import type { AppEnv } from './env.ts';
import { createErrorHandler } from './error-handler.ts';
import { RateLimiter } from './rate-limit.ts';

function appThrowing(error: unknown): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(silentLogger));
  app.get('/', () => {
    throw error;
  });
  return app;
}

describe('onError', () => {
  it('answers a domain refusal with its code, message and field, at the status of its code', async () => {
    const response = await appThrowing(
      new DomainError('not_friends', 'Not friends with them', 'userIds'),
    ).request('/');
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: 'not_friends', message: 'Not friends with them', field: 'userIds' },
    });
  });

  it.each([
    ['user_not_found', 404],
    ['already_a_member', 409],
    ['validation_failed', 400],
    ['group_ended', 409],
    // The accounts domain's refusals answer as they did when it threw AppError.
    ['username_taken', 409],
    ['invite_required', 403],
    ['invalid_invite', 403],
    ['last_sign_in_method', 409],
    ['payload_too_large', 413],
    ['unsupported_media_type', 415],
  ] as const)('maps %s to %i', async (code, status) => {
    const response = await appThrowing(new DomainError(code, 'refused')).request('/');
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { code, message: 'refused' } });
  });

  it('tells a rate-limited client when to try again (Retry-After)', async () => {
    const limiter = new RateLimiter(1, 0.5, () => 0);
    limiter.take('ann', 'tries');
    let refusal: unknown;
    try {
      limiter.take('ann', 'tries');
    } catch (err) {
      refusal = err;
    }
    const response = await appThrowing(refusal).request('/');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({
      error: { code: 'rate_limited', message: 'Too many tries; try again in 2 s' },
    });
  });

  it('answers an unknown error with a generic 500 that leaks nothing', async () => {
    const response = await appThrowing(new Error('SQLITE_BUSY at /data/x')).request('/');
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain('SQLITE');
  });
});
