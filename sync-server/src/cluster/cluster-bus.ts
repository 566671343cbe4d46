import { randomUUID } from 'node:crypto';
import type { EventBus, LocalEventBus, ServerEvent, ServerEventType } from '../events/bus.ts';
import type { Logger } from '../logger.ts';
import type { RedisLink } from './redis-link.ts';

/** The event types another process acts on (not `conversation.system`: its line is written once, where it happened). */
const SHARED_TYPES: ReadonlySet<ServerEventType> = new Set<ServerEventType>([
  'session.revoked',
  'user.changed',
  'user.deleted',
  'membership.changed',
  'relationship.changed',
  'conversation.changed',
]);

interface Envelope {
  /** The publishing process: it has run its handlers already and skips its own message. */
  from: string;
  event: ServerEvent;
}

/**
 * The server events of every process, on one Redis channel. Publishing runs this process's
 * handlers first, synchronously, after the commit as before (so a request that ends a
 * membership returns once this process's sockets are out); the other processes run their
 * `cluster` handlers when the message arrives, a few milliseconds later and asynchronously to
 * the request. Each process runs each event once: its own are skipped when Redis echoes them.
 * A message lost while Redis is down is covered by what the processes re-read when it is back
 * (the backstop's round, `backstop.ts`: write-permission caches dropped, sessions and memberships read again).
 */
export class ClusterEventBus implements EventBus {
  readonly processId = randomUUID();
  private readonly stop: () => void;

  constructor(
    private readonly local: LocalEventBus,
    private readonly link: RedisLink,
    private readonly channel: string,
    logger: Logger,
  ) {
    this.stop = link.subscribe(channel, (message) => {
      const envelope = parseEnvelope(message);
      if (!envelope) return logger.warn('unreadable event from redis dropped', { channel });
      if (envelope.from !== this.processId) local.receive(envelope.event);
    });
  }

  publish(event: ServerEvent): void {
    this.local.publish(event);
    if (!SHARED_TYPES.has(event.type)) return;
    const envelope: Envelope = { from: this.processId, event };
    this.link.publish(this.channel, Buffer.from(JSON.stringify(envelope)));
  }

  subscribe: EventBus['subscribe'] = (type, handler, scope) => this.local.subscribe(type, handler, scope);

  close(): void {
    this.stop();
  }
}

function parseEnvelope(message: Buffer): Envelope | undefined {
  try {
    const parsed = JSON.parse(message.toString('utf8')) as Partial<Envelope>;
    const type = parsed.event?.type;
    if (typeof parsed.from !== 'string' || typeof type !== 'string') return undefined;
    return SHARED_TYPES.has(type) ? (parsed as Envelope) : undefined;
  } catch {
    return undefined;
  }
}
