import { PUSH_LIMITS, SYSTEM_AUTHOR } from '@messenjo/shared';
import { DomainError } from '../domain-error.ts';
import type { Logger } from '../logger.ts';
import type { SessionPresence } from '../presence.ts';
import type { ListColumns } from '../sync/store/list-columns.ts';
import type { MuteDirectory } from './mutes.ts';
import { encodePush, topicOf, type PushNotice } from './payload.ts';
import { isDelivered, isGone, type PushOutcome, type PushTransport } from './push-transport.ts';
import type { PushSubscriptionStore, StoredPushSubscription } from './subscription-store.ts';

/** What the sender asks of the social graph. */
export interface PushAudience {
  /**
   * Current members of each conversation, in one query: a commit names many conversations at
   * once, and on PostgreSQL a lookup per conversation was a round trip per update (W3).
   */
  memberIdsOf(conversationIds: readonly string[]): Promise<Map<string, string[]>>;
  kindAndName(conversationId: string): Promise<{ kind: 'direct' | 'group'; name: string } | undefined>;
  /** Display name (or username) of a user; "Someone" when gone. */
  nameOf(userId: string): Promise<string>;
}

export interface PushSenderOptions {
  store: PushSubscriptionStore;
  transport: PushTransport;
  presence: SessionPresence;
  mutes: MuteDirectory;
  audience: PushAudience;
  logger: Logger;
  publicUrl: () => URL;
  now: () => number;
  /** Push requests in flight at once, over all conversations. */
  maxInFlight?: number;
}

/** A message push waits at the push service this long for a device that is off (then the app catches up itself). */
export const MESSAGE_TTL_SECONDS = 24 * 60 * 60;
const TEST_TTL_SECONDS = 60;
const DEFAULT_MAX_IN_FLIGHT = 8;
/** Conversations waiting for their push at once; past this the oldest waiting one is skipped (logged). */
const MAX_WAITING_CONVERSATIONS = 10_000;

/**
 * Web Push after a commit. `messagesCommitted` only records the conversation's newest message
 * (a later commit replaces a waiting one: the push would be replaced at the push service by its
 * Topic anyway) and returns; jobs run in the background, a bounded number of requests at a
 * time, each with a timeout, so neither the commit nor the acks ever wait for a push service.
 *
 * Who gets one: the members' device sessions with a subscription, except the sender's own,
 * the sessions with a sync socket open now (they receive the message live and show their own
 * notification; per session, because one person's phone may be closed while their laptop is
 * open), and the users who mute the conversation (their user document says so).
 */
export class PushSender {
  private readonly waiting = new Map<string, ListColumns>();
  private readonly running = new Set<string>();
  private inFlight = 0;
  /** Conversations taken from `waiting`, whose jobs start together at the end of the turn. */
  private readonly starting: ListColumns[] = [];
  /** That start, once scheduled. */
  private scheduled: Promise<void> | undefined;
  private readonly slotWaiters: (() => void)[] = [];
  private readonly jobs = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: PushSenderOptions) {}

  /** A commit stored messages of a conversation (the list's columns name the newest). */
  messagesCommitted(columns: ListColumns): void {
    if (this.closed || columns.senderId === SYSTEM_AUTHOR) return;
    this.waiting.delete(columns.conversationId);
    this.waiting.set(columns.conversationId, columns);
    if (this.waiting.size > MAX_WAITING_CONVERSATIONS) {
      const oldest = this.waiting.keys().next().value;
      if (oldest !== undefined) this.waiting.delete(oldest);
      this.options.logger.warn('push skipped: too many conversations waiting', { conversationId: oldest });
    }
    this.pump();
  }

  private pump(): void {
    for (const [conversationId, columns] of this.waiting) {
      // One job per conversation at a time: its next push waits until this one is out.
      if (this.running.has(conversationId)) continue;
      this.waiting.delete(conversationId);
      this.running.add(conversationId);
      this.starting.push(columns);
    }
    // A batch's commit records its conversations one after another in this turn: they start
    // together, after it, with one member lookup.
    if (this.starting.length > 0)
      this.scheduled ??= Promise.resolve().then(() => {
        this.scheduled = undefined;
        this.start(this.starting.splice(0));
      });
  }

  private start(starting: readonly ListColumns[]): void {
    const members = this.options.audience.memberIdsOf(starting.map((columns) => columns.conversationId));
    for (const columns of starting) {
      const { conversationId } = columns;
      const job = members
        .then((found) => this.deliver(columns, found.get(conversationId) ?? []))
        .catch((err: unknown) => this.options.logger.error('push failed', { conversationId, err }))
        .finally(() => {
          this.running.delete(conversationId);
          this.jobs.delete(job);
          if (this.waiting.has(conversationId)) this.pump();
        });
      this.jobs.add(job);
    }
  }

  private async deliver(columns: ListColumns, members: readonly string[]): Promise<void> {
    const { store, presence, mutes, audience, now } = this.options;
    const { conversationId, senderId } = columns;
    const recipients = members.filter((id) => id !== senderId);
    if (recipients.length === 0) return;
    const subscribed = await store.forUsers(recipients, now());
    if (subscribed.length === 0) return;
    const live = await presence.connected(subscribed.map((s) => s.sessionId));
    const offline = subscribed.filter((s) => !live.has(s.sessionId));
    if (offline.length === 0) return;
    const muted = await mutes.mutedAmong([...new Set(offline.map((s) => s.userId))], conversationId);
    const targets = offline.filter((s) => !muted.has(s.userId));
    if (targets.length === 0) return;
    const conversation = await audience.kindAndName(conversationId);
    if (!conversation) return;
    const sender = await audience.nameOf(senderId);
    const preview = [...columns.preview].slice(0, PUSH_LIMITS.PREVIEW_CHARS).join('');
    const notice: PushNotice = {
      kind: 'message',
      title: conversation.kind === 'group' ? conversation.name : sender,
      body: conversation.kind === 'group' ? `${sender}: ${preview}` : preview,
      tag: `conversation:${conversationId}`,
      url: `/c/${conversationId}`,
      conversationId,
      at: columns.at,
    };
    await Promise.all(
      targets.map((target) =>
        this.push(target, notice, {
          ttlSeconds: MESSAGE_TTL_SECONDS,
          // RFC 8030 §5.3: a person writing to you is worth waking a phone; a busy group is not.
          urgency: conversation.kind === 'direct' ? 'high' : 'normal',
          topic: topicOf(conversationId),
        }),
      ),
    );
  }

  /**
   * The settings' "send a test notification", to this device session alone and whether its
   * socket is open or not (the person is looking at the app). Resolves once the push service
   * took it; refuses with a reason a person can act on.
   */
  async sendTest(sessionId: string): Promise<void> {
    const subscription = await this.options.store.forSession(sessionId);
    if (!subscription) {
      throw new DomainError('push_not_subscribed', 'Notifications are not turned on for this device');
    }
    const outcome = await this.push(
      subscription,
      {
        kind: 'test',
        title: 'Messenjo',
        body: 'Notifications work on this device.',
        tag: 'test',
        url: '/settings',
        at: this.options.now(),
      },
      { ttlSeconds: TEST_TTL_SECONDS, urgency: 'high', topic: 'test' },
    );
    if (isDelivered(outcome)) return;
    if (isGone(outcome)) {
      throw new DomainError(
        'push_subscription_gone',
        "The browser's push service no longer knows this device; turn notifications on again",
      );
    }
    throw new DomainError(
      'push_service_failed',
      outcome.status === undefined
        ? `The push service did not answer (${outcome.detail ?? 'no reason'})`
        : `The push service refused the notification (HTTP ${outcome.status})`,
    );
  }

  /** One request, within the in-flight bound; a subscription the service no longer knows is dropped. */
  private async push(
    subscription: StoredPushSubscription,
    notice: PushNotice,
    request: Parameters<PushTransport['send']>[2],
  ): Promise<PushOutcome> {
    await this.slot();
    let outcome: PushOutcome;
    try {
      const payload = encodePush(subscription.endpoint, notice, this.options.publicUrl());
      outcome = await this.options.transport.send(subscription, payload, request);
    } finally {
      this.release();
    }
    const { logger } = this.options;
    const host = hostOf(subscription.endpoint);
    if (isGone(outcome)) {
      await this.options.store.removeEndpoint(subscription.endpoint);
      logger.info('push subscription dropped: gone at the push service', { host, status: outcome.status });
    } else if (!isDelivered(outcome)) {
      logger.warn('push not delivered', { host, status: outcome.status ?? null, detail: outcome.detail });
    }
    return outcome;
  }

  private slot(): Promise<void> {
    const max = this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    if (this.inFlight < max) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private release(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** Stops taking new pushes and waits for those under way (shutdown, tests). */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    await this.scheduled;
    await Promise.all([...this.jobs]);
  }

  /** Waits until every push recorded so far is out (tests). */
  async idle(): Promise<void> {
    while (this.scheduled || this.jobs.size > 0) await Promise.all([this.scheduled, ...this.jobs]);
  }
}

/** Only the host goes to the log: the endpoint's path identifies the device. */
function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return 'invalid';
  }
}
