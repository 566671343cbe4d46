import type { PushSubscriptionBody } from '@messenjo/shared';
import type { DocStore } from '../sync/store/doc-store.ts';
import { DomainError } from '../domain-error.ts';
import type { Logger } from '../logger.ts';
import type { SessionPresence } from '../presence.ts';
import { isAllowedPushHost, vapidSubject, type PushConfig } from './config.ts';
import { MuteDirectory } from './mutes.ts';
import { WebPushTransport, type PushTransport } from './push-transport.ts';
import { PushSender, type PushAudience } from './sender.ts';
import type { PushSubscriptionStore, StoredPushSubscription } from './subscription-store.ts';
import type { VapidKeys } from './vapid-keys.ts';

/** Web Push on `Services.push`: the VAPID public key, the subscriptions and the sender. */
export interface Push {
  publicKey: string;
  store: PushSubscriptionStore;
  sender: PushSender;
  /** Sets this device session's subscription; refuses endpoints of hosts that are not push services. */
  subscribe(
    auth: { userId: string; sessionId: string },
    body: PushSubscriptionBody,
  ): Promise<StoredPushSubscription>;
}

export function createPush(options: {
  keys: VapidKeys;
  config: PushConfig;
  store: PushSubscriptionStore;
  docStore: DocStore;
  presence: SessionPresence;
  audience: PushAudience;
  logger: Logger;
  publicUrl: () => URL;
  now: () => number;
  /** Tests may replace how requests go out; the product uses web-push over fetch. */
  transport?: PushTransport;
}): Push {
  const { keys, config, store, now } = options;
  const sender = new PushSender({
    store,
    transport:
      options.transport ?? new WebPushTransport(keys, () => vapidSubject(config, options.publicUrl())),
    presence: options.presence,
    mutes: new MuteDirectory(options.docStore),
    audience: options.audience,
    logger: options.logger.child({ component: 'push' }),
    publicUrl: options.publicUrl,
    now,
  });
  return {
    publicKey: keys.publicKey,
    store,
    sender,
    async subscribe({ userId, sessionId }, body) {
      if (!isAllowedPushHost(body.endpoint, config.serviceHosts)) {
        throw new DomainError(
          'validation_failed',
          `This server sends notifications only through known push services (${config.serviceHosts.join(', ')})`,
          'endpoint',
        );
      }
      const subscription: StoredPushSubscription = {
        sessionId,
        userId,
        endpoint: body.endpoint,
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
        createdAt: now(),
      };
      await store.put(subscription);
      return (await store.forSession(sessionId)) ?? subscription;
    },
  };
}

export { DEFAULT_PUSH_CONFIG, readPushConfig, type PushConfig } from './config.ts';
export { SqlPushSubscriptionStore, type PushSubscriptionStore } from './subscription-store.ts';
export { loadOrCreateVapidKeys, type VapidKeys } from './vapid-keys.ts';
export type { PushTransport } from './push-transport.ts';
