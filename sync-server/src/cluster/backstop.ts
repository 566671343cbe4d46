import type { Logger } from '../logger.ts';
import type { CatchUpRound } from '../sync/engine/hub.ts';
import type { RedisLink } from './redis-link.ts';

/** What the backstop asks of this process's sync hub. */
export interface BackstopTarget {
  catchUp(): Promise<CatchUpRound>;
  recheckSockets(liveSessions: (userId: string) => Promise<ReadonlySet<string>>): Promise<void>;
}

export interface BackstopOptions {
  hub: BackstopTarget;
  link: RedisLink;
  /** Between the end of one round and the start of the next (CLUSTER_BACKSTOP_MS). */
  intervalMs: number;
  /** The user's sessions that are still live (a revoked or expired one is not). */
  liveSessions: (userId: string) => Promise<ReadonlySet<string>>;
  /** Drops every cached write permission (the events that would have changed one may be lost). */
  forgetWritePermissions: () => void;
  logger: Logger;
}

/**
 * What makes Redis a hint only. Every `intervalMs`, and at once when Redis is back after an
 * outage, this process asks the store for the heads of the documents it holds rooms for (one
 * query) and every room behind reads what it missed (`SyncHub.catchUp`): a publish lost between
 * another process's commit and its publish reaches this process's devices within one interval.
 * While Redis is down, and once after it is back, the server's events may have been lost too:
 * each round then also drops the write-permission cache and reads every socket's session and
 * memberships again (`SyncHub.recheckSockets`) before relaying anything, so a member removed
 * elsewhere gets nothing more and a revoked session's socket closes.
 */
export class Backstop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  /** Redis came back since the last round: events may have been missed. */
  private missedEvents = false;
  private stopped = false;
  private readonly stopListening: () => void;

  constructor(private readonly options: BackstopOptions) {
    this.stopListening = options.link.onReconnected(() => {
      this.missedEvents = true;
      void this.runNow();
    });
    this.schedule();
  }

  /** Starts a round now (or right after the one under way). */
  runNow(): Promise<void> {
    clearTimeout(this.timer);
    const round = (this.running ?? Promise.resolve()).then(() => this.round());
    this.running = round;
    void round.finally(() => {
      if (this.running === round) {
        this.running = undefined;
        this.schedule();
      }
    });
    return round;
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runNow(), this.options.intervalMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    const { hub, link, logger } = this.options;
    const eventsMayBeLost = this.missedEvents || !link.up;
    this.missedEvents = false;
    try {
      if (eventsMayBeLost) {
        this.options.forgetWritePermissions();
        await hub.recheckSockets(this.options.liveSessions);
      }
      const { held, behind } = await hub.catchUp();
      if (behind > 0) logger.info('backstop: documents caught up from the store', { held, behind });
    } catch (err) {
      // The store is unreachable: the next round tries again.
      this.missedEvents ||= eventsMayBeLost;
      logger.warn('backstop round failed', { err });
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopListening();
  }
}
