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
 * HD1: the newest committed sequence number of a document, announced to its subscribers after
 * the batch's acks (a microtask after the commit's callbacks), so a device never resumes from a
 * relayed update; a document announced less than HEAD_INTERVAL_MS ago gets its next head when
 * the interval ends, carrying whatever committed meanwhile.
 */
export class HeadAnnouncer {
  /** Committed heads not announced yet. */
  private readonly due = new Map<string, number>();
  /** When each recently announced document was announced (pruned once the interval passed). */
  private readonly announcedAt = new Map<string, number>();
  private microtask = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;

  constructor(
    private readonly fanout: Fanout<Peer>,
    private readonly intervalMs = HEAD_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  announce(docId: string, seq: number): void {
    this.due.set(docId, Math.max(seq, this.due.get(docId) ?? 0));
    const last = this.announcedAt.get(docId);
    if (last !== undefined && this.now() - last < this.intervalMs) return this.wake(last + this.intervalMs);
    if (this.microtask) return;
    this.microtask = true;
    queueMicrotask(() => {
      this.microtask = false;
      this.publish();
    });
  }

  /** Stops the timer (shutdown): what is due is left unannounced, devices resume from their acks or older heads. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Announces every document whose interval has passed; wakes again for the rest. */
  private publish(): void {
    const now = this.now();
    for (const [docId, at] of this.announcedAt)
      if (now - at >= this.intervalMs) this.announcedAt.delete(docId);
    let next = Infinity;
    for (const [docId, seq] of this.due) {
      const last = this.announcedAt.get(docId);
      if (last !== undefined) {
        next = Math.min(next, last + this.intervalMs);
        continue;
      }
      this.due.delete(docId);
      this.announcedAt.set(docId, now);
      this.fanout.publish(docId, encodeServerFrame({ type: 'head', docId, seq }), null);
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
