import { encodeServerFrame, segmentDocId, type DocRef } from '@messenjo/shared';
import type { Peer } from './connection-host.ts';
import type { DocStore } from '../store/doc-store.ts';
import { awarenessTopic, type Fanout } from './fanout.ts';
import { segmentRefusal } from './segment-rule.ts';

/** A segment a write has just opened; `index - 1` was the conversation's newest (−1: none). */
export interface OpenedSegment {
  conversationId: string;
  index: number;
}

/** The segments SEG1 must count the messages of, as the rooms hold them. */
export interface SegmentRooms {
  /** Messages the server holds in a segment, or undefined when it is not in memory. */
  messagesIn(docId: string): number | undefined;
  /** Brings a segment into memory. */
  load(docId: string): Promise<unknown>;
}

/**
 * The newest segment of each conversation: read from the store once, then kept in memory as
 * writes open new segments. Applies SEG1 and tells the conversation's sockets about a new segment.
 * The store is read by `learn` / `prepare` (asynchronous); every other method answers from memory,
 * so a write is decided and applied in one turn.
 */
export class SegmentDirectory {
  private readonly newestByConversation = new Map<string, number>();

  constructor(
    private readonly store: DocStore,
    private readonly fanout: Fanout<Peer>,
    private readonly rooms: SegmentRooms,
  ) {}

  /** Reads the newest segment of the conversations not known yet (one store query). */
  async learn(conversationIds: readonly string[]): Promise<void> {
    const missing = conversationIds.filter((id) => !this.newestByConversation.has(id));
    if (missing.length === 0) return;
    const stored = await this.store.latestSegments(missing);
    // A write may have opened a segment while the store answered: memory is newer then.
    for (const id of missing)
      if (!this.newestByConversation.has(id)) this.newestByConversation.set(id, stored.get(id) ?? -1);
  }

  isKnown(conversationId: string): boolean {
    return this.newestByConversation.has(conversationId);
  }

  /** The newest segment (−1: none yet); `learn` it first. */
  newestOf(conversationId: string): number {
    return this.newestByConversation.get(conversationId) ?? -1;
  }

  /** Whether SEG1 can decide on a write to this document from memory (else `prepare` first). */
  ready(ref: DocRef): boolean {
    if (ref.kind !== 'segment') return true;
    if (!this.isKnown(ref.conversationId)) return false;
    const newest = this.newestOf(ref.conversationId);
    if (ref.index !== newest + 1 || newest < 0) return true;
    return this.rooms.messagesIn(segmentDocId(ref.conversationId, newest)) !== undefined;
  }

  /** Reads what SEG1 needs: the newest segment, and that segment itself when the write would open the next. */
  async prepare(ref: DocRef): Promise<void> {
    if (ref.kind !== 'segment') return;
    await this.learn([ref.conversationId]);
    const newest = this.newestOf(ref.conversationId);
    if (ref.index === newest + 1 && newest >= 0)
      await this.rooms.load(segmentDocId(ref.conversationId, newest));
  }

  /** SEG1: why a write to this document may not proceed, or null (`ready` must hold). */
  refusal(ref: DocRef): string | null {
    if (ref.kind !== 'segment') return null;
    const newest = this.newestOf(ref.conversationId);
    return segmentRefusal(
      ref.index,
      newest,
      () => this.rooms.messagesIn(segmentDocId(ref.conversationId, newest)) ?? 0,
    );
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
