import { createClient } from 'redis';
import type { Disposer } from '../events/bus.ts';
import type { Logger } from '../logger.ts';

/**
 * The server's two connections to Redis: one publishes, one only listens (a connection in
 * subscriber mode may send nothing else). Redis pub/sub is at-most-once and holds nothing:
 * whatever is published while a connection is down is lost, never queued (a queue would grow
 * without bound during an outage and replay stale news); what was missed is read from the
 * database instead (`onReconnected`, and the backstop of whoever listens).
 */
export interface RedisLink {
  /** Sends at once, or drops when the connection is down. */
  publish(channel: string, message: Buffer): void;
  /** Listens to a channel (the subscription is renewed after every reconnect). */
  subscribe(channel: string, listener: (message: Buffer) => void): Disposer;
  /**
   * Runs commands on the publishing connection, in one MULTI/EXEC when there are several; fails
   * at once when the connection is down (nothing is queued). Its callers keep nothing durable
   * here either: what they write expires unless renewed.
   */
  run(commands: readonly (readonly string[])[]): Promise<unknown[]>;
  /** Called when the listening connection is back after a loss: messages may have been missed. */
  onReconnected(listener: () => void): Disposer;
  /** True while both connections are ready. */
  readonly up: boolean;
  close(): Promise<void>;
}

/** Reconnects every 0.1 s, then up to every 2 s: an outage costs latency, and nothing else. */
const reconnectDelay = (retries: number): number => Math.min(100 * (retries + 1), 2000);

export async function connectRedis(url: URL, logger: Logger): Promise<RedisLink> {
  const publisher = createClient({
    url: url.href,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: reconnectDelay, connectTimeout: 5000 },
  });
  const subscriber = publisher.duplicate();
  const reconnected = new Set<() => void>();
  const shown = `${url.hostname}:${url.port || 6379}`;
  for (const [role, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    let lost = false;
    client.on('error', (err: unknown) => {
      if (!lost) logger.warn('redis connection lost; reconnecting', { redis: shown, role, err });
      lost = true;
    });
    client.on('ready', () => {
      if (!lost) return;
      lost = false;
      logger.info('redis connection back', { redis: shown, role });
      if (role === 'subscriber') for (const listener of [...reconnected]) listener();
    });
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);
  let closed = false;
  return {
    get up() {
      return publisher.isReady && subscriber.isReady;
    },
    publish(channel, message) {
      if (closed || !publisher.isReady) return;
      publisher.publish(channel, message).catch(() => {
        // Lost with the connection; the readers' backstop reads it from the database.
      });
    },
    async run(commands) {
      if (closed || !publisher.isReady) throw new Error('redis is not connected');
      if (commands.length === 1) return [await publisher.sendCommand([...commands[0]!])];
      const multi = publisher.multi();
      for (const command of commands) multi.addCommand([...command]);
      return await multi.exec();
    },
    subscribe(channel, listener) {
      const wrapped = (message: Buffer): void => listener(message);
      subscriber
        .subscribe(channel, wrapped, true)
        .catch((err: unknown) => logger.error('redis subscribe failed', { channel, err }));
      return () => {
        if (closed) return;
        subscriber.unsubscribe(channel, wrapped, true).catch(() => {
          // The connection is gone; it will not renew a subscription nobody holds.
        });
      };
    },
    onReconnected(listener) {
      reconnected.add(listener);
      return () => reconnected.delete(listener);
    },
    async close() {
      closed = true;
      await Promise.allSettled([subscriber.close(), publisher.close()]);
    },
  };
}
