import { randomUUID } from 'node:crypto';
import type { CloseReason } from '@messenjo/shared';
import type { Disposer } from '../events/bus.ts';
import type { Logger } from '../logger.ts';
import type { SocketAuth } from '../sync/engine/connection-host.ts';
import type { SharedSocketCaps, SocketLimitOptions } from '../sync/engine/socket-limits.ts';
import { PRESENCE_RENEW_MS, PRESENCE_TTL_MS } from './cluster-presence.ts';
import type { RedisLink } from './redis-link.ts';

/** Processes not heard of for this long leave the list of processes to count. */
const FORGET_PROCESS_MS = 60 * 60 * 1000;

/**
 * LIM2's check and take, atomic in Redis (one round trip; two processes admitting a user's last
 * place at once cannot both get it). KEYS: the processes' sorted set, this process's users hash,
 * its sessions hash. ARGV: key prefix of the processes' hashes, this process's id, user id,
 * session id, cap per user, cap per session, the hashes' life in ms, now in ms. The other
 * processes' hashes are named from the sorted set (a single Redis, not a Redis Cluster: the
 * keys are not all declared). A hash that expired (its process died) counts nothing.
 * Returns {0 admitted | 1 session cap | 2 user cap, processes holding the user's sockets}.
 */
const RESERVE_SCRIPT = `
local prefix, own, user, session = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ofUser = tonumber(redis.call('HGET', KEYS[2], user) or '0')
local ofSession = tonumber(redis.call('HGET', KEYS[3], session) or '0')
local spread = 1
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if id ~= own then
    local u = tonumber(redis.call('HGET', prefix .. id .. ':users', user) or '0')
    if u > 0 then
      ofUser = ofUser + u
      spread = spread + 1
    end
    ofSession = ofSession + tonumber(redis.call('HGET', prefix .. id .. ':sessions', session) or '0')
  end
end
if ofSession >= tonumber(ARGV[6]) then return {1, spread} end
if ofUser >= tonumber(ARGV[5]) then return {2, spread} end
redis.call('HINCRBY', KEYS[2], user, 1)
redis.call('HINCRBY', KEYS[3], session, 1)
redis.call('PEXPIRE', KEYS[2], ARGV[7])
redis.call('PEXPIRE', KEYS[3], ARGV[7])
redis.call('ZADD', KEYS[1], ARGV[8], own)
return {0, spread}
`;

/** Gives a place back; a count at zero leaves its hash. KEYS: users hash, sessions hash. ARGV: user, session. */
const RELEASE_SCRIPT = `
for i = 1, 2 do
  if redis.call('HINCRBY', KEYS[i], ARGV[i], -1) <= 0 then redis.call('HDEL', KEYS[i], ARGV[i]) end
end
return 0
`;

const increment = (counts: Map<string, number>, key: string, by: number): number => {
  const count = (counts.get(key) ?? 0) + by;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
  return count;
};

/**
 * LIM2 and LIM3 over all server processes. Each process keeps, in two Redis hashes of its own
 * that expire unless renewed (the pattern of `cluster-presence.ts`), how many sockets each user
 * and each session holds on it: a crashed process's counts go with its hashes, never a count
 * that leaks. A new socket costs one round trip (the check and take are one script); a frame
 * costs none: each process keeps its own frame budget per user and gives it a `shareOf`-th of
 * the user's rate and burst, where the share is the number of processes holding that user's
 * sockets (told by the admitting process over pub/sub, and read again at every renewal).
 * While Redis is down, each process applies the caps and the whole budget on its own, as one
 * process does: a device is never refused because Redis is down.
 */
export class ClusterSocketCaps implements SharedSocketCaps {
  private readonly processId = randomUUID();
  private readonly hashPrefix: string;
  private readonly usersKey: string;
  private readonly sessionsKey: string;
  private readonly processesKey: string;
  private readonly spreadChannel: string;
  /** This process's places, reserved ones included: what its hashes say after a renewal. */
  private readonly users = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  /** Processes holding sockets of a user that has some here, when more than this one. */
  private readonly spread = new Map<string, number>();
  private warned = false;

  constructor(
    private readonly link: RedisLink,
    prefix: string,
    private readonly limits: Pick<SocketLimitOptions, 'maxSocketsPerSession' | 'maxSocketsPerUser'>,
    private readonly logger: Logger,
  ) {
    this.hashPrefix = `${prefix}caps:`;
    this.usersKey = `${this.hashPrefix}${this.processId}:users`;
    this.sessionsKey = `${this.hashPrefix}${this.processId}:sessions`;
    this.processesKey = `${prefix}caps:processes`;
    this.spreadChannel = `${prefix}caps:spread`;
  }

  async reserve({ userId, sessionId }: SocketAuth): Promise<CloseReason | null> {
    // Counted here at once, so a renewal sent meanwhile writes it (and the per-process caps of
    // the registry hold while Redis is down).
    increment(this.users, userId, 1);
    increment(this.sessions, sessionId, 1);
    if (!this.link.up) return null;
    let answer: [number, number];
    try {
      [answer] = (await this.link.run([
        [
          'EVAL',
          RESERVE_SCRIPT,
          '3',
          this.processesKey,
          this.usersKey,
          this.sessionsKey,
          this.hashPrefix,
          this.processId,
          userId,
          sessionId,
          String(this.limits.maxSocketsPerUser),
          String(this.limits.maxSocketsPerSession),
          String(PRESENCE_TTL_MS),
          String(Date.now()),
        ],
      ])) as [[number, number]];
      this.warned = false;
    } catch (err) {
      this.warnOnce(err);
      return null;
    }
    const [verdict, spread] = answer;
    if (verdict !== 0) {
      this.forget(userId, sessionId);
      return verdict === 1 ? 'session_socket_limit' : 'user_socket_limit';
    }
    if (spread > 1) {
      this.spread.set(userId, spread);
      this.link.publish(this.spreadChannel, Buffer.from(JSON.stringify([userId, spread])));
    }
    return null;
  }

  release({ userId, sessionId }: SocketAuth): void {
    this.forget(userId, sessionId);
    this.write([['EVAL', RELEASE_SCRIPT, '2', this.usersKey, this.sessionsKey, userId, sessionId]]);
  }

  shareOf(userId: string): number {
    return this.spread.get(userId) ?? 1;
  }

  /** Keeps this process's counts in Redis and the shares current until the returned stop. */
  start(): () => Promise<void> {
    const disposers: Disposer[] = [
      this.link.subscribe(this.spreadChannel, (message) => this.heardSpread(message)),
      // Redis restarted (or the connection came back): its counts are written again at once.
      this.link.onReconnected(() => void this.renew()),
    ];
    void this.renew();
    const timer = setInterval(() => void this.renew(), PRESENCE_RENEW_MS);
    timer.unref();
    return async () => {
      clearInterval(timer);
      for (const dispose of disposers) dispose();
      await this.link
        .run([
          ['DEL', this.usersKey, this.sessionsKey],
          ['ZREM', this.processesKey, this.processId],
        ])
        .catch(() => {
          // Redis is gone: the hashes expire by themselves.
        });
    };
  }

  private forget(userId: string, sessionId: string): void {
    if (increment(this.users, userId, -1) <= 0) this.spread.delete(userId);
    increment(this.sessions, sessionId, -1);
  }

  /** Another process admitted a socket of a user with sockets elsewhere: the user's budget is shared wider. */
  private heardSpread(message: Buffer): void {
    try {
      const [userId, spread] = JSON.parse(message.toString()) as [string, number];
      if (this.users.has(userId) && typeof spread === 'number' && spread >= 1)
        this.spread.set(userId, spread);
    } catch {
      // Not ours to read: the next renewal reads the shares anyway.
    }
  }

  /**
   * Writes this process's counts again (also after Redis lost them), says it is alive, then
   * reads how many processes hold each of its users' sockets (the shares shrink here too).
   */
  private async renew(): Promise<void> {
    if (!this.link.up) {
      // Each process on its own, as one process: the whole budget (a stale share could only starve).
      this.spread.clear();
      return;
    }
    const now = Date.now();
    const ttl = String(PRESENCE_TTL_MS);
    const rewrite = (key: string, counts: Map<string, number>): string[][] =>
      counts.size === 0
        ? [['DEL', key]]
        : [
            ['DEL', key],
            ['HSET', key, ...[...counts].flatMap(([id, count]) => [id, String(count)])],
            ['PEXPIRE', key, ttl],
          ];
    const users = [...this.users.keys()];
    try {
      const replies = await this.link.run([
        ...rewrite(this.usersKey, this.users),
        ...rewrite(this.sessionsKey, this.sessions),
        ['ZADD', this.processesKey, String(now), this.processId],
        ['ZREMRANGEBYSCORE', this.processesKey, '-inf', String(now - FORGET_PROCESS_MS)],
        ['ZRANGE', this.processesKey, '0', '-1'],
      ]);
      const others = (replies.at(-1) as string[]).filter((id) => id !== this.processId);
      if (users.length === 0 || others.length === 0) return this.spread.clear();
      const counts = (await this.link.run(
        others.map((id) => ['HMGET', `${this.hashPrefix}${id}:users`, ...users]),
      )) as (string | null)[][];
      users.forEach((userId, i) => {
        const spread = 1 + counts.filter((ofProcess) => Number(ofProcess[i] ?? 0) > 0).length;
        if (spread > 1 && this.users.has(userId)) this.spread.set(userId, spread);
        else this.spread.delete(userId);
      });
      this.warned = false;
    } catch (err) {
      this.warnOnce(err);
    }
  }

  private warnOnce(err: unknown): void {
    if (!this.warned)
      this.logger.warn('socket counts of other processes unknown; caps apply per process', { err });
    this.warned = true;
  }

  /** Fire and forget: a write lost with the connection is made good by the next renewal. */
  private write(commands: string[][]): void {
    if (!this.link.up) return;
    this.link.run(commands).catch(() => {});
  }
}
