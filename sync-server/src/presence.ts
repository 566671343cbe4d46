/**
 * Which device sessions hold a live sync socket now. A device with a socket receives a new
 * message live and shows its own notification; Web Push is for the others. In-process today
 * (the hub reports sockets as it admits and releases them); with several server processes a
 * Redis-backed implementation answers the same questions for all of them, hence async.
 */
export interface SessionPresence {
  /** A socket of this session was admitted. */
  joined(sessionId: string): void;
  /** An admitted socket of this session closed. */
  left(sessionId: string): void;
  /** The sessions among these that have at least one socket open. */
  connected(sessionIds: readonly string[]): Promise<Set<string>>;
}

export class InProcessPresence implements SessionPresence {
  private readonly sockets = new Map<string, number>();

  joined(sessionId: string): void {
    this.sockets.set(sessionId, (this.sockets.get(sessionId) ?? 0) + 1);
  }

  left(sessionId: string): void {
    const count = (this.sockets.get(sessionId) ?? 0) - 1;
    if (count > 0) this.sockets.set(sessionId, count);
    else this.sockets.delete(sessionId);
  }

  connected(sessionIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(sessionIds.filter((id) => this.sockets.has(id))));
  }
}
