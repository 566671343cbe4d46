/**
 * Which device sessions hold a live sync socket now. A device with a socket receives a new
 * message live and shows its own notification; Web Push is for the others. The hub reports
 * sockets as it admits and releases them; with several server processes the answer covers all
 * of them (`cluster/cluster-presence.ts`, through Redis), hence async.
 */
export interface SessionPresence {
  /** A socket of this session was admitted. */
  joined(sessionId: string): void;
  /** An admitted socket of this session closed. */
  left(sessionId: string): void;
  /** The sessions among these that have at least one socket open. */
  connected(sessionIds: readonly string[]): Promise<Set<string>>;
  /** Keeps this process's sockets known to the others until the returned stop (at shutdown). */
  start(): () => Promise<void>;
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

  /** Whether a socket of this session is open in this process. */
  holds(sessionId: string): boolean {
    return this.sockets.has(sessionId);
  }

  /** The sessions with a socket open in this process. */
  sessionIds(): string[] {
    return [...this.sockets.keys()];
  }

  connected(sessionIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(sessionIds.filter((id) => this.sockets.has(id))));
  }

  start(): () => Promise<void> {
    return () => Promise.resolve();
  }
}
