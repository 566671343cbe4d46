import {
  appendMessage,
  conversationTimeline,
  isSegmentFull,
  newMessageId,
  segmentDocId,
  type AttachmentEntry,
  type MessageEntry,
  type MessageView,
} from '@messenjo/shared';
import type * as Y from 'yjs';
import type { Store } from '../lib/store.ts';
import { CATCH_UP_BEFORE_WRITE_MS } from './constants.ts';
import type { DocFacts } from './core/doc-entry.ts';
import type { DocPersistence } from './core/persistence.ts';
import type { SyncClient } from './sync-client.ts';

/** What a conversation's segments need of the sync client. */
export type SegmentSource = Pick<
  SyncClient,
  | 'open'
  | 'close'
  | 'doc'
  | 'isOpen'
  | 'openSegments'
  | 'onFrameReceived'
  | 'onDocReplaced'
  | 'facts'
  | 'onFacts'
  | 'isOffline'
  | 'status'
>;

const latestKey = (conversationId: string): string => `latest-segment:${conversationId}`;

/**
 * A conversation on this device: its open segments (newest first, older ones on request) and
 * where a new message goes (the newest segment, or the next one once it is full).
 */
export class ConversationSegments {
  private latest = -1;
  /** Segment 0 opened only because the device knew of no newer one; closed once the server names one. */
  private guess: number | undefined;
  private readonly disposers: (() => void)[];
  private readonly listeners = new Set<() => void>();
  /** Waits for a segment's copy (loadOlder, send): each one's settle, and its check again; all settled by close(). */
  private readonly arrivals = new Map<() => void, () => void>();
  /** The messages being written, in the order sent (each may wait for its segment: `caughtUp`). */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: SegmentSource,
    readonly conversationId: string,
    private readonly persistence?: DocPersistence,
    /** Messages sent and not yet written (`send`), counted over the device's conversations. */
    private readonly waiting?: Store<number>,
  ) {
    this.disposers = [
      client.onFrameReceived((frame) => {
        if (frame.type === 'sync' && frame.docId.startsWith(`conv:${conversationId}:`)) {
          this.learnLatest(frame.latestSegment);
        } else if (frame.type === 'segment' && frame.conversationId === conversationId) {
          this.learnLatest(frame.index);
        }
      }),
      // A refused segment is a new Y.Doc: whoever reads the segments reads them again.
      client.onDocReplaced((docId) => {
        if (docId.startsWith(`conv:${conversationId}:`)) this.changed();
      }),
    ];
  }

  private learnLatest(index: number): void {
    if (index <= this.latest) return;
    this.latest = index;
    if (this.guess !== undefined && this.guess < index) {
      this.client.close(segmentDocId(this.conversationId, this.guess));
      this.guess = undefined;
      // A closed segment's facts say nothing more: what waited for it is done.
      for (const recheck of [...this.arrivals.values()]) recheck();
    }
    void this.persistence?.setNumber(latestKey(this.conversationId), index);
    // A newer segment exists (another device started it): open it so its messages arrive.
    void this.client.open(segmentDocId(this.conversationId, index)).then(() => this.changed());
  }

  /** Opens the newest known segment (from storage first, then what the server says). */
  async openLatest(): Promise<void> {
    const stored = await this.persistence?.getNumber(latestKey(this.conversationId));
    if (stored === undefined && this.latest < 0) this.guess = 0;
    this.latest = Math.max(this.latest, stored ?? 0);
    await this.client.open(segmentDocId(this.conversationId, this.latest));
    this.changed();
  }

  /**
   * Opens the segment before the oldest open one; false when the beginning is reached. Settles
   * once its messages are here (`arrived`), not when it is opened: on a device that never had it,
   * the segment opens empty and its server copy comes after, and the callers (the message list's
   * jump to a message, the picture viewer stepping back) look for what it holds right after.
   */
  async loadOlder(): Promise<boolean> {
    const open = this.client.openSegments(this.conversationId);
    const oldest = open.length === 0 ? this.latest + 1 : Math.min(...open);
    if (oldest <= 0) return false;
    const docId = segmentDocId(this.conversationId, oldest - 1);
    await this.client.open(docId);
    this.changed();
    await this.arrived(docId);
    return true;
  }

  /**
   * Resolves once an open segment holds what there is of it for now: the server's copy (or its
   * refusal: no longer a member), a copy synced on an earlier run (on the device already), or,
   * offline, what the device has (nothing more can come: the screens never wait on the network
   * for that). Also when it is closed, or this conversation is.
   */
  private arrived(docId: string): Promise<void> {
    return this.until(docId, (facts) => facts.synced || facts.denied || facts.syncedBefore);
  }

  /**
   * Resolves once an open segment holds the server's copy as of now (this connection's answer, or
   * its refusal), once the device is offline, when it is closed or this conversation is, or after
   * `CATCH_UP_BEFORE_WRITE_MS`. A message is written only then (`send`): appended to a copy that
   * has not caught up, it follows the device's last message, and Yjs orders it among the messages
   * the device lacked by client id (POS2 allows that: it had not seen them), so it could land a
   * thousand messages up; nor would the device know the segment is full.
   */
  private caughtUp(docId: string): Promise<void> {
    return this.until(docId, (facts) => facts.synced || facts.denied, CATCH_UP_BEFORE_WRITE_MS);
  }

  private until(docId: string, holds: (facts: DocFacts) => boolean, atMostMs?: number): Promise<void> {
    const here = (): boolean =>
      !this.client.isOpen(docId) || this.client.isOffline() || holds(this.client.facts(docId));
    if (here()) return Promise.resolve();
    return new Promise((resolve) => {
      const settle = (): void => {
        this.arrivals.delete(settle);
        clearTimeout(timer);
        stopFacts();
        stopStatus();
        resolve();
      };
      const timer = atMostMs === undefined ? undefined : setTimeout(settle, atMostMs);
      const stopFacts = this.client.onFacts((id) => {
        if (id === docId && here()) settle();
      });
      const stopStatus = this.client.status.subscribe(() => {
        if (here()) settle();
      });
      this.arrivals.set(settle, () => {
        if (here()) settle();
      });
    });
  }

  /**
   * Appends a message by `author` to the newest segment (a new one when it is full); returns its
   * id. Written once the newest segment has caught up with the server (`caughtUp`), in the order
   * sent. A message comes with the id and time it is shown under meanwhile
   * (chat/conversation-model.ts), one with attachments with those it had while its files
   * uploaded (session/attachment-sending.ts).
   */
  send(
    author: string,
    text: string,
    replyTo?: string,
    sent?: { id: string; sentAt: number; attachments?: AttachmentEntry[] },
  ): Promise<string> {
    const { waiting } = this;
    waiting?.set(waiting.get() + 1);
    const written = this.writes
      .then(() => this.write(author, text, replyTo, sent))
      .finally(() => waiting?.set(waiting.get() - 1));
    this.writes = written.catch(() => undefined);
    return written;
  }

  private async write(
    author: string,
    text: string,
    replyTo?: string,
    sent?: { id: string; sentAt: number; attachments?: AttachmentEntry[] },
  ): Promise<string> {
    if (this.latest < 0) await this.openLatest();
    // The server's answer may name a newer segment (learnLatest, another device started it):
    // that one is caught up with too.
    let latest: number;
    do {
      latest = this.latest;
      const docId = segmentDocId(this.conversationId, latest);
      await this.client.open(docId);
      await this.caughtUp(docId);
    } while (this.latest !== latest);
    let doc = await this.client.open(segmentDocId(this.conversationId, latest));
    if (isSegmentFull(doc)) {
      this.latest += 1;
      void this.persistence?.setNumber(latestKey(this.conversationId), this.latest);
      doc = await this.client.open(segmentDocId(this.conversationId, this.latest));
    }
    const entry: MessageEntry & { attachments?: AttachmentEntry[] } = {
      id: sent?.id ?? newMessageId(),
      author,
      text,
      sentAt: sent?.sentAt ?? Date.now(),
    };
    if (replyTo !== undefined) entry.replyTo = replyTo;
    if (sent?.attachments) entry.attachments = sent.attachments;
    appendMessage(doc, entry);
    this.changed();
    return entry.id;
  }

  /** The open document of segment `index` (an action on one of its messages is written there). */
  docOf(index: number): Y.Doc | undefined {
    return this.client.doc(segmentDocId(this.conversationId, index));
  }

  segments(): { index: number; doc: Y.Doc }[] {
    return this.client.openSegments(this.conversationId).flatMap((index) => {
      const doc = this.client.doc(segmentDocId(this.conversationId, index));
      return doc ? [{ index, doc }] : [];
    });
  }

  timeline(): MessageView[] {
    return conversationTimeline(this.segments());
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  close(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    for (const settle of [...this.arrivals.keys()]) settle();
  }
}
