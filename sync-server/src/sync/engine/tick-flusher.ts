/** Something holding frames to write at the end of the current event-loop turn. */
export interface Flushable {
  flush(): void;
}

/**
 * Writes each socket's frames of one event-loop turn together, after the turn's I/O callbacks
 * (setImmediate): the relays of every update read in this turn, the acks and the heads leave as
 * one write per socket instead of one `writev` per frame (the largest cost in the W2 profile).
 */
export class TickFlusher {
  private pending = new Set<Flushable>();
  private scheduled = false;

  schedule(target: Flushable): void {
    this.pending.add(target);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  /**
   * Writes what is pending at the end of the current microtask queue instead of the next check
   * phase: after a group commit, its acks and heads leave at once rather than after one more
   * turn of reading sockets (a device waiting for its ack waits less).
   */
  flushSoon(): void {
    if (this.pending.size > 0) queueMicrotask(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Set();
    for (const target of batch) target.flush();
  }
}
