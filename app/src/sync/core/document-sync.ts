import {
  CLOSE_CODES,
  closeReasonOf,
  parseDocId,
  type CloseReason,
  type DenyReason,
  type ServerFrame,
} from '@messenjo/shared';
import * as Y from 'yjs';
import { DeviceDocuments } from './device-documents.ts';
import { FROM_SERVER, type DocEntry } from './doc-entry.ts';
import { reapply } from './rebase.ts';
import type { Upstream } from './upstream.ts';

export type { ChangeOrigin, DocumentSyncOptions } from './device-documents.ts';

/**
 * The core of the sync client: the device's documents and outbox (device-documents.ts) and how
 * they meet the server, in the protocol's document frames (subscribe, sync, update, head, ack,
 * denied, rejected) sent through an `Upstream`: resend in order after a reconnect (UP5), what the
 * server could not take yet sent again when more arrives (VAL6, SEG1), segments the server made
 * this socket follow (SEG2), a refused document rebuilt (UP2). It knows no socket lifecycle
 * (socket/) and no tabs (tabs/): a tab that does not hold the socket runs it as a follower,
 * whose changes the tab layer carries to the tab that does.
 */
export class DocumentSync extends DeviceDocuments {
  private upstream: Upstream | null = null;
  private stopHearing = (): void => {};
  /**
   * Segments the server subscribed this socket to (SEG2) that are still loading from storage:
   * the connection they came on and their frames, applied in order once loaded.
   */
  private readonly following = new Map<string, { epoch: number; frames: ServerFrame[] }>();

  // ---- the way out ----------------------------------------------------------------------

  /** Frames go out through `upstream` (this tab holds the socket); subscribes once it is connected. */
  attach(upstream: Upstream): void {
    this.stopHearing();
    this.upstream = upstream;
    this.stopHearing = upstream.onFrame((frame) => this.receive(frame));
    if (upstream.connected) this.connected();
  }

  /** Follows the tab holding the socket: changes go to it (tabs/), nothing is written but local changes. */
  follow(): void {
    this.writer = false;
    this.stopHearing();
    this.upstream = null;
  }

  /** This tab holds the socket now: takes over the stored outbox and subscribes on `upstream`. */
  async lead(upstream: Upstream): Promise<void> {
    if (this.writer && this.upstream === upstream) return;
    this.writer = true;
    this.factsBook.forgetShared();
    for (const entry of this.docs.values()) {
      // "Synced" through the old leader: this tab subscribes on its own socket now.
      if (entry.state === 'synced') entry.state = 'idle';
      entry.adoptOutbox((await this.persistence.load(entry.docId)).outbox);
    }
    this.updatePending();
    for (const docId of this.docs.keys()) this.recomputeFacts(docId);
    this.attach(upstream);
  }

  /** The server answered hello: every document is subscribed again. */
  connected(): void {
    this.subscribe([...this.docs.values()]);
  }

  /** The connection ended: nothing is subscribed any more. */
  disconnected(): void {
    for (const entry of this.docs.values())
      if (entry.state === 'subscribing' || entry.state === 'synced') this.setState(entry, 'idle');
  }

  private send(...frames: Parameters<Upstream['send']>): void {
    if (this.upstream?.connected) this.upstream.send(...frames);
  }

  protected override loaded(entry: DocEntry): void {
    if (this.writer) this.settle(entry);
  }

  protected override queued(entry: DocEntry, ref: number, update: Uint8Array): void {
    if (entry.state === 'synced') this.sendUpdate(entry, ref, update);
  }

  protected override unsubscribe(docId: string): void {
    this.send({ type: 'unsubscribe', docIds: [docId] });
  }

  override async stop(): Promise<void> {
    this.stopHearing();
    this.upstream = null;
    await super.stop();
  }

  private sendUpdate(entry: DocEntry, ref: number, update: Uint8Array): void {
    this.send({
      type: 'update',
      docId: entry.docId,
      ref,
      update,
      basis: entry.bases.get(ref),
      updateId: entry.updateIds.get(ref),
    });
  }

  private subscribe(entries: DocEntry[]): void {
    if (!this.writer || !this.upstream?.connected) return;
    const ready = entries.filter((e) => e.state === 'idle');
    if (ready.length === 0) return;
    for (const entry of ready) this.setState(entry, 'subscribing');
    this.send({
      type: 'subscribe',
      docs: ready.map((e) => ({ docId: e.docId, seq: e.seq, stateVector: Y.encodeStateVector(e.doc) })),
    });
  }

  // ---- frames ---------------------------------------------------------------------------

  /** A frame from the server (this tab holds the socket). */
  private receive(frame: ServerFrame): void {
    // SEG2: before the listeners, which may open the same segment (they then get this entry).
    if (frame.type === 'sync') this.noteFollowed(frame.docId);
    this.frames.emit(frame);
    const followed = 'docId' in frame ? this.following.get(frame.docId) : undefined;
    if (followed) followed.frames.push(frame);
    else this.handleFrame(frame);
  }

  /** A frame the tab holding the socket passed on (typing, a new segment, a user event). */
  hear(frame: Extract<ServerFrame, { type: 'awareness' | 'segment' | 'event' }>): void {
    this.frames.emit(frame);
    if (frame.type === 'event') this.events.emit(frame.event);
  }

  /**
   * SEG2: a `sync` for a segment this socket never subscribed to (not open, or still loading
   * from storage before its subscribe): the server made this socket follow the conversation
   * into a new segment. It is opened as if the device had asked; its frames wait for the load.
   */
  private noteFollowed(docId: string): void {
    if (this.following.has(docId) || parseDocId(docId)?.kind !== 'segment') return;
    const open = this.docs.get(docId);
    if (open && open.state !== 'loading') return;
    this.following.set(docId, { epoch: this.upstream?.epoch ?? -1, frames: [] });
    if (open) return; // open() is loading it and settles it
    const entry = this.newEntry(docId);
    void entry.loaded.then(() => {
      if (this.docs.get(docId) !== entry) return void this.following.delete(docId); // closed meanwhile
      this.watch(entry);
      this.updatePending();
      this.recomputeFacts(docId);
      this.settle(entry);
      this.opened.emit(docId, entry.doc);
    });
  }

  /**
   * A document is loaded from storage: the server's frames for it that arrived meanwhile are
   * applied (SEG2), or, when there were none or the connection changed since, it is subscribed.
   */
  private settle(entry: DocEntry): void {
    const followed = this.following.get(entry.docId);
    this.following.delete(entry.docId);
    const upstream = this.upstream;
    if (!followed || !upstream?.connected || followed.epoch !== upstream.epoch)
      return this.subscribe([entry]);
    this.setState(entry, 'subscribing');
    for (const frame of followed.frames) this.handleFrame(frame);
  }

  private handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'hello':
        return;
      case 'sync': {
        const entry = this.docs.get(frame.docId);
        if (!entry) return;
        Y.applyUpdate(entry.doc, frame.update, FROM_SERVER);
        this.setSeq(entry, frame.seq);
        entry.markSynced();
        this.factsBook.setRefused(entry.docId, null);
        this.setState(entry, 'synced');
        // UP5: whatever was not acked goes out again, in the order it was made.
        for (const [ref, update] of entry.outbox) this.sendUpdate(entry, ref, update);
        // After a refusal: what the later changes did is made again, after the server's state (a new update).
        const carried = entry.takeCarried();
        if (carried) reapply(entry.doc, entry.docId, carried);
        return;
      }
      case 'update': {
        const entry = this.docs.get(frame.docId);
        if (!entry || entry.state !== 'synced') return;
        Y.applyUpdate(entry.doc, frame.update, FROM_SERVER);
        if (frame.seq > 0) this.setSeq(entry, frame.seq);
        return this.resendDeferred(entry);
      }
      case 'head': {
        const entry = this.docs.get(frame.docId);
        if (!entry || entry.state !== 'synced') return;
        this.setSeq(entry, frame.seq);
        return this.resendDeferred(entry);
      }
      case 'ack': {
        const entry = this.docs.get(frame.docId);
        const update = entry?.acked(frame.ref);
        if (!entry || !update) return;
        this.acks.emit(entry.docId, update);
        if (frame.seq > 0) this.setSeq(entry, frame.seq);
        this.updatePending();
        return this.recomputeFacts(entry.docId);
      }
      case 'denied': {
        const entry = this.docs.get(frame.docId);
        if (!entry) return;
        // Changes made while away (e.g. removed from a group while offline) can never be sent: say so.
        if (entry.outbox.size > 0) this.refused(entry.docId, frame.reason);
        return this.setState(entry, 'denied');
      }
      case 'rejected':
        return this.rejected(frame);
      case 'event':
        return this.events.emit(frame.event);
      case 'segment':
      case 'awareness':
        return; // for the listeners only (typing, ConversationSegments)
    }
  }

  private rejected(frame: Extract<ServerFrame, { type: 'rejected' }>): void {
    const entry = this.docs.get(frame.docId);
    const reason = closeReasonOf(frame.code);
    if (entry && reason === 'update_missing_dependency') {
      entry.deferred = true; // sent again once the server has more of the document
      return;
    }
    if (!entry || !reason || !CLOSE_CODES[reason].discardDoc) return;
    this.refused(entry.docId, reason);
    // A read-only conversation refuses every queued change, not just this one: drop them all.
    // Otherwise only the refused change is lost: the later ones are made again (doc-entry.ts).
    const readOnly = reason === 'update_not_writable';
    const doc = entry.reset(readOnly ? 0 : frame.ref, !readOnly);
    this.watch(entry);
    entry.state = 'idle';
    this.updatePending();
    this.recomputeFacts(entry.docId);
    this.replaced.emit(entry.docId, doc);
  }

  private refused(docId: string, reason: CloseReason | DenyReason): void {
    this.factsBook.setRefused(docId, reason);
    this.refusals.emit(docId, reason);
    this.recomputeFacts(docId);
  }

  /**
   * More of a document arrived: resend what the server could not take yet (VAL6) in it, and in the
   * other segments of its conversation (SEG1: segment n + 1 waits until segment n is full there).
   */
  private resendDeferred(arrived: DocEntry): void {
    const conversation = conversationOf(arrived.docId);
    for (const entry of this.docs.values()) {
      if (!entry.deferred || entry.state !== 'synced') continue;
      if (entry !== arrived && (conversation === null || conversationOf(entry.docId) !== conversation))
        continue;
      entry.deferred = false;
      for (const [ref, update] of entry.outbox) this.sendUpdate(entry, ref, update);
    }
  }

  private setSeq(entry: DocEntry, seq: number): void {
    if (entry.advance(seq)) this.recomputeFacts(entry.docId);
  }
}

function conversationOf(docId: string): string | null {
  const ref = parseDocId(docId);
  return ref?.kind === 'segment' ? ref.conversationId : null;
}
