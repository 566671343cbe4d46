/** The least the sync engine needs of a socket, so tests can drive it with in-memory pairs. */
export interface SyncSocket {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface SocketAuth {
  userId: string;
  sessionId: string;
}

/** Per-socket frame budget (token bucket): a flood closes the socket instead of starving others. */
export class FrameBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
