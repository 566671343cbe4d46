import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { InProcessPresence, type SessionPresence } from '../presence.ts';
import type { RedisLink } from './redis-link.ts';

/** A process's set of sessions lives this long in Redis unless renewed (a crashed process's goes). */
export const PRESENCE_TTL_MS = 15_000;
/** How often a process renews its set (a third of its life: two renewals may be lost). */
export const PRESENCE_RENEW_MS = 5_000;
/** Processes not heard of for this long leave the list of processes to ask. */
const FORGET_PROCESS_MS = 60 * 60 * 1000;

/**
 * Presence across the server processes, so that a device with a socket on any of them gets no
 * Web Push for what it receives live. Each process answers for its own sockets in memory and
 * mirrors the sessions it holds into a Redis set of its own that expires unless renewed; asked
 * about sessions it does not hold, it reads the sets of the other processes. Redis holds nothing
 * durable: after a restart of Redis the sets are back within one renewal, and while Redis is
 * down a process answers for its own sockets only (a push too many, never one missed).
 */
export class ClusterPresence implements SessionPresence {
  private readonly local = new InProcessPresence();
  private readonly processId = randomUUID();
  private readonly ownKey: string;
  private readonly processesKey: string;
  private warned = false;

  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.ownKey = `${prefix}presence:${this.processId}`;
    this.processesKey = `${prefix}presence:processes`;
  }

  joined(sessionId: string): void {
    const first = !this.local.holds(sessionId);
    this.local.joined(sessionId);
    if (first)
      this.write([
        ['SADD', this.ownKey, sessionId],
        ['PEXPIRE', this.ownKey, String(PRESENCE_TTL_MS)],
      ]);
  }

  left(sessionId: string): void {
    this.local.left(sessionId);
    if (!this.local.holds(sessionId)) this.write([['SREM', this.ownKey, sessionId]]);
  }

  async connected(sessionIds: readonly string[]): Promise<Set<string>> {
    const found = await this.local.connected(sessionIds);
    const elsewhere = sessionIds.filter((id) => !found.has(id));
    if (elsewhere.length === 0 || !this.link.up) return found;
    try {
      const [processes] = (await this.link.run([['ZRANGE', this.processesKey, '0', '-1']])) as [string[]];
      const others = processes.filter((id) => id !== this.processId);
      if (others.length === 0) return found;
      const answers = (await this.link.run(
        others.map((id) => ['SMISMEMBER', `${this.prefix}presence:${id}`, ...elsewhere]),
      )) as number[][];
      for (const answer of answers) answer.forEach((member, i) => member === 1 && found.add(elsewhere[i]!));
      this.warned = false;
    } catch (err) {
      if (!this.warned)
        this.logger.warn('presence of other processes unknown; answering for this one', { err });
      this.warned = true;
    }
    return found;
  }

  start(): () => Promise<void> {
    this.renew();
    const timer = setInterval(() => this.renew(), PRESENCE_RENEW_MS);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.link
        .run([
          ['DEL', this.ownKey],
          ['ZREM', this.processesKey, this.processId],
        ])
        .catch(() => {
          // Redis is gone: the set expires by itself.
        });
    };
  }

  /** Writes this process's whole set again and says it is alive (also after Redis lost it). */
  private renew(): void {
    const now = Date.now();
    const sessions = this.local.sessionIds();
    this.write([
      ['DEL', this.ownKey],
      ...(sessions.length > 0
        ? [
            ['SADD', this.ownKey, ...sessions],
            ['PEXPIRE', this.ownKey, String(PRESENCE_TTL_MS)],
          ]
        : []),
      ['ZADD', this.processesKey, String(now), this.processId],
      ['ZREMRANGEBYSCORE', this.processesKey, '-inf', String(now - FORGET_PROCESS_MS)],
    ]);
  }

  /** Fire and forget: a write lost with the connection is made good by the next renewal. */
  private write(commands: string[][]): void {
    if (!this.link.up) return;
    this.link.run(commands).catch(() => {});
  }
}
