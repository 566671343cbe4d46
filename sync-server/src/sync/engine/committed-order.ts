/** A committed update waiting for the ones numbered before it. */
interface Arrival {
  /** Committed by this process: its bytes are in the document already; `take` acks it. */
  own: boolean;
  take: () => void;
}

/**
 * The order committed updates are taken into a document in memory: by the sequence number the
 * store gave them, each once, without a gap. With one process its own commits always come
 * next; with several, another process's update (through the bus, or read from the store) may
 * come between, and a number past head + 1 waits until the ones before it are taken (the store
 * hands out numbers in commit order, so they exist: the room reads them, `gap`). An own update
 * is acked only once taken, as a device resumes from its acks (HD1) and must not skip one.
 */
export class CommittedOrder {
  private readonly ahead = new Map<number, Arrival>();

  /** @param head every committed update through this number is taken */
  constructor(public head: number) {}

  /** Committed numbers wait for one before them. */
  get gap(): boolean {
    return this.ahead.size > 0;
  }

  /**
   * `seq` is committed: `take` runs once every number before it was taken (at once when it is
   * next). One already taken is not taken again, but an own one still runs `take` (its ack).
   */
  arrive(seq: number, own: boolean, take: () => void): void {
    if (seq <= this.head) {
      if (own) take();
      return;
    }
    // The same number read from the store before its own commit came back: the own one stays.
    if (this.ahead.get(seq)?.own && !own) return;
    this.ahead.set(seq, { own, take });
    this.drain();
  }

  /**
   * Everything through `seq` is in the document (a stored snapshot was applied): own updates
   * waiting at or below it are taken (acked), the others were in the snapshot.
   */
  jumpTo(seq: number): void {
    for (const waiting of [...this.ahead.keys()].sort((a, b) => a - b)) {
      if (waiting > seq) break;
      const arrival = this.ahead.get(waiting)!;
      this.ahead.delete(waiting);
      if (arrival.own) arrival.take();
    }
    this.head = Math.max(this.head, seq);
    this.drain();
  }

  private drain(): void {
    for (let next = this.ahead.get(this.head + 1); next; next = this.ahead.get(this.head + 1)) {
      this.ahead.delete(this.head + 1);
      this.head++;
      next.take();
    }
  }
}
