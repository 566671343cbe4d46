import { encodeServerFrame, segmentDocId, type DocRef } from '@messenjo/shared';
import type { Peer } from './connection-host.ts';
import type { DocStore } from './doc-store.ts';
import { awarenessTopic, type Fanout } from './fanout.ts';
import { segmentRefusal } from './segment-rule.ts';

/** A segment a write has just opened; `index - 1` was the conversation's newest (−1: none). */
export interface OpenedSegment {
  conversationId: string;
  index: number;
}

/**
 * The newest segment of each conversation: read from the store once, then kept in memory as
 * writes open new segments. Applies SEG1 and tells the conversation's sockets about a new segment.
 */
export class SegmentDirectory {
  private readonly newestByConversation = new Map<string, number>();

  constructor(
    private readonly store: DocStore,
    private readonly fanout: Fanout<Peer>,
    /** Messages the server holds in a segment (loads the segment when it is not in memory). */
    private readonly messagesIn: (docId: string) => number,
  ) {}

  /** The newest segment of each conversation (−1: none yet), in one store query for those not known. */
  newest(conversationIds: readonly string[]): Map<string, number> {
    const missing = conversationIds.filter((id) => !this.newestByConversation.has(id));
    if (missing.length > 0) {
      const stored = this.store.latestSegments(missing);
      for (const id of missing) this.newestByConversation.set(id, stored.get(id) ?? -1);
    }
    return new Map(conversationIds.map((id) => [id, this.newestByConversation.get(id) ?? -1]));
  }

  newestOf(conversationId: string): number {
    return this.newest([conversationId]).get(conversationId) ?? -1;
  }

  /** SEG1: why a write to this document may not proceed, or null. */
  refusal(ref: DocRef): string | null {
    if (ref.kind !== 'segment') return null;
    const newest = this.newestOf(ref.conversationId);
    return segmentRefusal(ref.index, newest, () => this.messagesIn(segmentDocId(ref.conversationId, newest)));
  }

  /** A write to this document was applied: the segment it opened, if it is newer than the newest. */
  opened(ref: DocRef): OpenedSegment | undefined {
    if (ref.kind !== 'segment') return undefined;
    const { conversationId, index } = ref;
    if (index <= this.newestOf(conversationId)) return undefined;
    this.newestByConversation.set(conversationId, index);
    return { conversationId, index };
  }

  /**
   * Tells every device in the conversation that a newer segment exists, once it is committed:
   * the conversation's topic reaches exactly the sockets subscribed to one of its segments,
   * without walking every socket.
   */
  announce(segment: OpenedSegment): void {
    const frame = encodeServerFrame({
      type: 'segment',
      conversationId: segment.conversationId,
      index: segment.index,
    });
    this.fanout.publish(awarenessTopic(segment.conversationId), frame, null);
  }
}
