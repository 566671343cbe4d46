/** The least the sync engine needs of a socket, so tests can drive it with in-memory pairs. */
export interface SyncSocket {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /**
   * Writes several frames at once (one write to the OS where the transport allows); `onWritten`
   * runs once they left the process or the socket failed. Absent in memory pairs: send() each.
   */
  sendBatch?(frames: readonly Uint8Array[], onWritten?: () => void): void;
  /** Ends the socket without a closing handshake (a peer that does not read would never finish one). */
  terminate?(): void;
  /** Bytes queued that the OS has not taken yet (`ws` bufferedAmount); absent in memory pairs. */
  readonly bufferedAmount?: number;
}

export interface SocketAuth {
  userId: string;
  sessionId: string;
}

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

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
