import { SYNC_LIMITS, type CloseReason } from '@messenjo/shared';
import type { SocketAuth } from './connection-host.ts';

export interface SocketLimitOptions {
  maxSocketsPerSession: number;
  maxSocketsPerUser: number;
  framesPerSecond: number;
  frameBurst: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimitOptions = {
  maxSocketsPerSession: SYNC_LIMITS.MAX_SOCKETS_PER_SESSION,
  maxSocketsPerUser: SYNC_LIMITS.MAX_SOCKETS_PER_USER,
  framesPerSecond: SYNC_LIMITS.FRAMES_PER_SECOND,
  frameBurst: SYNC_LIMITS.FRAME_BURST,
};

const monotonicNow = (): number => performance.now();

/** A frame budget (token bucket), one per user (LIM3): a flood closes the socket instead of starving others. */
export class FrameBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /**
   * `share`: how many server processes hold sockets of this user, each with a budget like this
   * one: each refills and holds a `share`-th, so together they allow one user's budget.
   */
  take(share = 1): boolean {
    const now = this.now();
    this.tokens = Math.min(
      this.burst / share,
      this.tokens + ((now - this.last) / 1000) * (this.perSecond / share),
    );
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface UserEntry<S> {
  /** At most maxSocketsPerUser (32): a list is smaller than a Set and as quick at that size. */
  sockets: S[];
  /** LIM3: one budget for all of a user's sockets, so more sockets do not buy more frames. */
  budget: FrameBudget;
}

/**
 * LIM2 and LIM3 across server processes (`cluster/cluster-socket-caps.ts`, through Redis);
 * absent on one process. The registry below still applies its caps per process: they are what
 * holds while Redis is down.
 */
export interface SharedSocketCaps {
  /**
   * LIM2 over all processes: takes a place for a socket about to open, or says which cap it
   * would pass. Never refuses for want of Redis (the per-process caps hold then).
   */
  reserve(auth: SocketAuth): Promise<CloseReason | null>;
  /** Gives back a place `reserve` took (the socket closed, or never opened). */
  release(auth: SocketAuth): void;
  /** LIM3: how many processes share this user's frame budget now (1 when alone or unknown). */
  shareOf(userId: string): number;
}

/**
 * Who holds which sockets: LIM2's caps per session and per user, LIM3's frame budget per user,
 * and the index the hub uses to reach one user's sockets without walking every socket.
 * A user's entry (and budget) lives while the user has a socket open.
 */
export class SocketRegistry<S extends { auth: SocketAuth }> {
  private readonly users = new Map<string, UserEntry<S>>();
  private readonly sessions = new Map<string, number>();
  private count = 0;

  constructor(
    private readonly limits: SocketLimitOptions = DEFAULT_SOCKET_LIMITS,
    /** LIM3 across processes: how many processes share a user's budget (`SharedSocketCaps.shareOf`). */
    private readonly shareOf: (userId: string) => number = () => 1,
  ) {}

  get size(): number {
    return this.count;
  }

  /** LIM2: why this socket may not open, or null after registering it. */
  admit(socket: S): CloseReason | null {
    const { userId, sessionId } = socket.auth;
    const entry = this.users.get(userId);
    const inSession = this.sessions.get(sessionId) ?? 0;
    if (inSession >= this.limits.maxSocketsPerSession) return 'session_socket_limit';
    if (entry && entry.sockets.length >= this.limits.maxSocketsPerUser) return 'user_socket_limit';
    if (entry) entry.sockets.push(socket);
    else {
      this.users.set(userId, {
        sockets: [socket],
        budget: new FrameBudget(this.limits.framesPerSecond, this.limits.frameBurst),
      });
    }
    this.sessions.set(sessionId, inSession + 1);
    this.count++;
    return null;
  }

  /**
   * Forgets a socket admitted before; safe to call for one that was refused or already released
   * (false then: it was not registered).
   */
  release(socket: S): boolean {
    const { userId, sessionId } = socket.auth;
    const entry = this.users.get(userId);
    const index = entry ? entry.sockets.indexOf(socket) : -1;
    if (!entry || index < 0) return false;
    entry.sockets.splice(index, 1);
    this.count--;
    if (entry.sockets.length === 0) this.users.delete(userId);
    const inSession = (this.sessions.get(sessionId) ?? 1) - 1;
    if (inSession <= 0) this.sessions.delete(sessionId);
    else this.sessions.set(sessionId, inSession);
    return true;
  }

  /** Takes one frame from the user's budget; false when it is spent. */
  takeFrame(userId: string): boolean {
    const entry = this.users.get(userId);
    return entry ? entry.budget.take(this.shareOf(userId)) : false;
  }

  /** A copy of the user's open sockets (callers may close them while iterating). */
  of(userId: string): S[] {
    const entry = this.users.get(userId);
    return entry ? entry.sockets.slice() : [];
  }

  all(): S[] {
    return [...this.users.values()].flatMap((entry) => entry.sockets);
  }
}
