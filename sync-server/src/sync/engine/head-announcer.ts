import { encodeServerFrame } from '@messenjo/shared';
import type { Peer } from './connection-host.ts';
import type { Fanout } from './fanout.ts';

/**
 * Least time between two `head` frames of one document. A head tells the document's devices
 * where to resume from; a later one costs them nothing but a few updates they already hold
 * (updates are idempotent). Announcing every commit batch doubled the socket writes of a busy
 * group (a relay write, then a head write, per message per device: W2's profile spent ~20 % of
 * the server in `writeBuffer`); four a second bound that to the relays' own writes.
 */
export const HEAD_INTERVAL_MS = 250;

/**
 * How long past its interval a due head waits for a relay of its document to ride with. A head
 * written with a relay costs no write of its own (the socket's frames of a turn leave together);
 * one written alone is a write to every subscriber, and in a busy group whose heads fell into
 * the same 250 ms phase, a burst of them in one turn (W2: 100 groups × 10 sockets).
 */
export const HEAD_RIDE_WAIT_MS = 250;

/**
 * HD1: the newest committed sequence number of a document, announced to its subscribers. A
 * document quiet for longer than the interval and the ride wait is announced after the batch's
 * acks (a microtask after the commit's callbacks), so a device never resumes from a relayed
 * update; a recently announced one gets its next head with the first relay of the document once
 * the interval has passed (`ride`: not to the relay's sender, which has its acks), or alone when
 * the ride wait ends, carrying whatever committed meanwhile.
 */
export class HeadAnnouncer<Origin = Peer> {
  /** Committed heads not announced yet. */
  private readonly due = new Map<string, number>();
  /** When each recently announced document was announced (pruned once the interval and ride wait passed). */
  private readonly announcedAt = new Map<string, number>();
  private microtask = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;

  constructor(
    private readonly fanout: Fanout<Origin>,
    private readonly intervalMs = HEAD_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
    private readonly rideWaitMs = HEAD_RIDE_WAIT_MS,
  ) {}

  announce(docId: string, seq: number): void {
    this.due.set(docId, Math.max(seq, this.due.get(docId) ?? 0));
    const last = this.announcedAt.get(docId);
    if (last !== undefined && this.now() - last < this.quietMs) return this.wake(last + this.quietMs);
    if (this.microtask) return;
    this.microtask = true;
    queueMicrotask(() => {
      this.microtask = false;
      this.publish();
    });
  }

  /**
   * A relay of the document is about to be published by `origin`: a head due past its interval
   * goes first, to the same sockets, so it leaves in the relay's write.
   */
  ride(docId: string, origin: Origin | null): void {
    const seq = this.due.get(docId);
    if (seq === undefined) return;
    const now = this.now();
    const last = this.announcedAt.get(docId);
    if (last !== undefined && now - last < this.intervalMs) return;
    this.send(docId, seq, now, origin);
  }

  /** Stops the timer (shutdown): what is due is left unannounced, devices resume from their acks or older heads. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** After the last head, how long a document waits before its next head goes out alone. */
  private get quietMs(): number {
    return this.intervalMs + this.rideWaitMs;
  }

  private send(docId: string, seq: number, now: number, origin: Origin | null): void {
    this.due.delete(docId);
    this.announcedAt.set(docId, now);
    this.fanout.publish(docId, encodeServerFrame({ type: 'head', docId, seq }), origin);
  }

  /** Announces every document whose interval and ride wait have passed; wakes again for the rest. */
  private publish(): void {
    const now = this.now();
    for (const [docId, at] of this.announcedAt) if (now - at >= this.quietMs) this.announcedAt.delete(docId);
    let next = Infinity;
    for (const [docId, seq] of this.due) {
      const last = this.announcedAt.get(docId);
      if (last !== undefined) {
        next = Math.min(next, last + this.quietMs);
        continue;
      }
      this.send(docId, seq, now, null);
    }
    if (next !== Infinity) this.wake(next);
  }

  private wake(at: number): void {
    if (at >= this.timerAt) return;
    this.close();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.publish();
      },
      Math.max(0, at - this.now()),
    );
    this.timer.unref?.();
  }
}
