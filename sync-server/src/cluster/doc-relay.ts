import { randomUUID } from 'node:crypto';
import type { Disposer } from '../events/bus.ts';
import type { Logger } from '../logger.ts';
import type { CommittedUpdate, OtherProcesses } from '../sync/engine/room.ts';
import type { RedisLink } from './redis-link.ts';
import { decodeRelayHeader, encodeRelayMessage, MAX_UPDATES_PER_MESSAGE } from './relay-message.ts';

/** What a process does with the other processes' documents' messages (the sync hub). */
export interface RelayTarget {
  /** Whether a room here wants this document's updates (the message's bytes are copied only then). */
  holds(docId: string): boolean;
  applyCommitted(docId: string, update: CommittedUpdate): void;
  applyAwareness(conversationId: string, userId: string, payload: Uint8Array): void;
}

/**
 * The documents between server processes: every committed update (with the number the store
 * gave it and its author) and every relayed awareness state, published on one Redis channel.
 * The updates a commit batch acks in one turn go out as one message at the end of that turn
 * (one publish, and one message for each reader to parse, per batch rather than per update).
 * Each process hands the others' updates to its hub, which takes them in sequence order and
 * reads any gap from PostgreSQL: the message is a fast hint, the store is the truth (a message
 * is never trusted past that: its number only says where to look, and a hub with no room for
 * the document ignores it). At most once; Redis holds nothing. A publish lost (Redis down, a
 * process killed between its commit and its publish) is found by the readers' backstop
 * (`backstop.ts`).
 *
 * One channel, not one per document hash bucket: a process holding rooms for many
 * conversations would be subscribed to every bucket anyway, and the filter here costs a header
 * parse and a map lookup before any byte of the update is copied. Buckets pay off only with
 * many processes holding disjoint documents (or a sharded Redis, SPUBLISH); that is a change
 * of this module alone.
 */
export class ClusterDocRelay implements OtherProcesses {
  /** This process: its own messages come back from Redis and are skipped. */
  readonly processId = randomUUID();
  /** Committed this turn, published together at its end. */
  private pending: { docId: string; update: CommittedUpdate }[] = [];

  constructor(
    private readonly link: RedisLink,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  committed(docId: string, update: CommittedUpdate): void {
    if (this.pending.length === 0) queueMicrotask(() => this.publishCommitted());
    this.pending.push({ docId, update });
  }

  private publishCommitted(): void {
    const pending = this.pending;
    this.pending = [];
    for (let at = 0; at < pending.length; at += MAX_UPDATES_PER_MESSAGE) {
      const chunk = pending.slice(at, at + MAX_UPDATES_PER_MESSAGE);
      const updates = chunk.map(({ docId, update }) => ({
        docId,
        seq: update.seq,
        userId: update.userId,
        bytes: update.data.byteLength,
      }));
      try {
        const message = encodeRelayMessage(
          { kind: 'committed', from: this.processId, updates },
          chunk.map(({ update }) => update.data),
        );
        this.link.publish(this.channel, message);
      } catch (err) {
        // Ids too long for one header: the readers' backstop reads these from the store.
        this.logger.error('committed updates not relayed', { updates: updates.length, err });
      }
    }
  }

  awareness(conversationId: string, userId: string, payload: Uint8Array): void {
    const header = { kind: 'awareness', from: this.processId, conversationId, userId } as const;
    this.link.publish(this.channel, encodeRelayMessage(header, payload));
  }

  /** Hands the other processes' messages to `target` until disposed. */
  listen(target: RelayTarget): Disposer {
    return this.link.subscribe(this.channel, (message) => {
      const decoded = decodeRelayHeader(message);
      if (!decoded)
        return this.logger.warn('unreadable document message from redis dropped', { channel: this.channel });
      const { header, payloadAt } = decoded;
      if (header.from === this.processId) return;
      // A copy: the listener's buffer is not ours to keep (the room may hold the update).
      if (header.kind === 'committed') {
        let at = payloadAt;
        for (const { docId, seq, userId, bytes } of header.updates) {
          const from = at;
          at += bytes;
          if (!target.holds(docId)) continue;
          const data = Uint8Array.prototype.slice.call(message, from, at);
          target.applyCommitted(docId, { seq, data, userId });
        }
      } else {
        const payload = Uint8Array.prototype.slice.call(message, payloadAt);
        target.applyAwareness(header.conversationId, header.userId, payload);
      }
    });
  }
}
