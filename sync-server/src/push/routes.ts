import {
  pushSubscriptionSchema,
  type PushKeyResponse,
  type PushSubscriptionResponse,
  type PushTestResponse,
} from '@messenjo/shared';
import { Hono } from 'hono';
import { requireUser } from '../accounts/session/context.ts';
import type { AppEnv } from '../http/env.ts';
import { RateLimiter } from '../http/rate-limit.ts';
import { readJson } from '../http/validate.ts';
import type { Push } from './index.ts';

/** Test notifications a person may ask for: a few at once, then one every ten seconds. */
const TEST_BURST = 5;
const TEST_PER_SECOND = 0.1;

/**
 * Web Push for the signed-in device: the VAPID key, this device session's subscription (one
 * per session, gone with it) and a test notification.
 */
export function pushRoutes(push: Push, now: () => number): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const testLimit = new RateLimiter(TEST_BURST, TEST_PER_SECOND, now);

  routes.get('/push/key', (c) => {
    requireUser(c);
    return c.json({ publicKey: push.publicKey } satisfies PushKeyResponse);
  });

  routes.get('/push/subscription', async (c) => {
    const { session } = requireUser(c);
    const found = await push.store.forSession(session.id);
    const body: PushSubscriptionResponse = {
      subscription: found ? { endpoint: found.endpoint, createdAt: found.createdAt } : null,
    };
    return c.json(body);
  });

  routes.put('/push/subscription', async (c) => {
    const { user, session } = requireUser(c);
    const body = await readJson(c, pushSubscriptionSchema);
    const stored = await push.subscribe({ userId: user.id, sessionId: session.id }, body);
    return c.json({
      subscription: { endpoint: stored.endpoint, createdAt: stored.createdAt },
    } satisfies PushSubscriptionResponse);
  });

  routes.delete('/push/subscription', async (c) => {
    const { session } = requireUser(c);
    await push.store.removeSession(session.id);
    return c.body(null, 204);
  });

  routes.post('/push/test', async (c) => {
    const { user, session } = requireUser(c);
    testLimit.take(user.id, 'test notifications');
    await push.sender.sendTest(session.id);
    return c.json({ delivered: true } satisfies PushTestResponse);
  });

  return routes;
}
