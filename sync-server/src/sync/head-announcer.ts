import { encodeServerFrame } from '@messenjo/shared';
import type { Peer } from './connection-host.ts';
import type { Fanout } from './fanout.ts';

/**
 * HD1: one `head` frame per document per commit batch, sent after the batch's acks (a
 * microtask after the commit's callbacks), so a device never resumes from a relayed update.
 */
export class HeadAnnouncer {
  private readonly heads = new Map<string, number>();

  constructor(private readonly fanout: Fanout<Peer>) {}

  announce(docId: string, seq: number): void {
    if (this.heads.size === 0) queueMicrotask(() => this.publish());
    this.heads.set(docId, Math.max(seq, this.heads.get(docId) ?? 0));
  }

  private publish(): void {
    for (const [docId, seq] of this.heads)
      this.fanout.publish(docId, encodeServerFrame({ type: 'head', docId, seq }), null);
    this.heads.clear();
  }
}
