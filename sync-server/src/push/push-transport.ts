import webpush from 'web-push';
import type { StoredPushSubscription } from './subscription-store.ts';
import type { VapidKeys } from './vapid-keys.ts';

export interface PushRequestOptions {
  /** Seconds the push service keeps the message for an unreachable device. */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Replaces a message of the same topic still waiting at the push service. */
  topic: string;
}

/** What the push service answered: its HTTP status, or `undefined` when it did not answer (network, timeout). */
export interface PushOutcome {
  status: number | undefined;
  /** The reason when there was no answer, or the service's own words when it refused. */
  detail?: string;
}

/** Sends one encrypted message to one subscription (RFC 8030 + RFC 8291 aes128gcm + RFC 8292 VAPID). */
export interface PushTransport {
  send(
    subscription: StoredPushSubscription,
    payload: string,
    options: PushRequestOptions,
  ): Promise<PushOutcome>;
}

/** How long one push service may take to answer. */
export const PUSH_REQUEST_TIMEOUT_MS = 10_000;

/**
 * `web-push` encrypts the payload (aes128gcm) and signs the VAPID JWT
 * (`generateRequestDetails`); the request itself goes out through `fetch` with a timeout, so a
 * slow push service never holds a sender slot for long.
 */
export class WebPushTransport implements PushTransport {
  constructor(
    private readonly keys: VapidKeys,
    private readonly subject: () => string,
    private readonly timeoutMs = PUSH_REQUEST_TIMEOUT_MS,
  ) {}

  async send(
    subscription: StoredPushSubscription,
    payload: string,
    options: PushRequestOptions,
  ): Promise<PushOutcome> {
    const details = webpush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      payload,
      {
        TTL: options.ttlSeconds,
        urgency: options.urgency,
        topic: options.topic,
        contentEncoding: 'aes128gcm',
        vapidDetails: {
          subject: this.subject(),
          publicKey: this.keys.publicKey,
          privateKey: this.keys.privateKey,
        },
      },
    );
    try {
      const response = await fetch(details.endpoint, {
        method: details.method,
        headers: details.headers as Record<string, string>,
        // A copy in a plain ArrayBuffer: what fetch takes in every lib typing (a Buffer is not always one).
        body: details.body ? new Uint8Array(details.body).buffer : null,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const detail = response.ok ? undefined : (await response.text().catch(() => '')).slice(0, 200);
      return { status: response.status, ...(detail ? { detail } : {}) };
    } catch (error) {
      return { status: undefined, detail: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** The push service no longer knows the subscription: it must be dropped (RFC 8030 §7.3). */
export const isGone = (outcome: PushOutcome): boolean => outcome.status === 404 || outcome.status === 410;
export const isDelivered = (outcome: PushOutcome): boolean =>
  outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
