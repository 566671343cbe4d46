import {
  CLOSE_CODES,
  decodeClientFrame,
  encodeServerFrame,
  MalformedFrameError,
  PROTOCOL_VERSION,
  SYNC_LIMITS,
  type ClientFrame,
  type CloseReason,
  type ServerFrame,
} from '@messenjo/shared';
import type {
  ConnectionHost,
  Peer,
  RoomHandle,
  SocketAuth,
  Subscription,
  SubscriptionTerms,
} from '../engine/connection-host.ts';
import type { SyncSocket } from './socket.ts';

/**
 * A socket joins the engine: its connection, admitted by the host (LIM2) or closed with the
 * reason it was refused. The one way `attach.ts` and in-memory tests open a connection.
 */
export function connectSocket(host: ConnectionHost, socket: SyncSocket, auth: SocketAuth): Connection {
  const connection = new Connection(socket, auth, host);
  const refused = host.admit(connection);
  if (refused === 'going_away') connection.close(refused);
  else if (refused) connection.close(refused, 'too many sockets open; retry once one closed');
  return connection;
}

/**
 * A socket closed for not reading will not read the closing handshake either: it is ended this
 * long after the close frame, so its buffered frames leave memory (a device that reads again
 * in time still sees the close code).
 */
const BACKLOG_TERMINATE_MS = 2000;

/** A subscription as the connection holds it. */
interface HeldSubscription extends Subscription {
  /**
   * True on exactly one subscription per conversation (the first; handed on when it ends): it
   * holds the conversation's awareness relay, left with the last of its segments.
   */
  holdsAwareness: boolean;
}

/**
 * One device's socket: its frames in, the rooms it is in (its subscriptions), its frames out
 * (written once per tick). The rooms do the document work; the connection knows them only
 * through `engine/connection-host.ts`.
 */
export class Connection implements Peer {
  readonly subscriptions = new Map<string, HeldSubscription>();
  private helloDone = false;
  private closed = false;
  /** A frame is being handled that waits for the store; the frames behind it wait here, in order. */
  private busy = false;
  /** Made when a frame first waits, dropped once none does (an idle device holds no list). */
  private waiting: Uint8Array[] | undefined;
  private waitingBytes = 0;
  /** Frames of this tick, written together by the flusher; none between ticks. */
  private outbox: Uint8Array[] | undefined;
  /**
   * Subscribe answers among the outbox's frames: the device asked for them, LIM1 does not count
   * them. Made when the first is queued and dropped once they are written (an idle device holds none).
   */
  private answers: Set<Uint8Array> | undefined;
  /** Bytes of subscribe answers handed to the socket that the OS has not taken yet. */
  private answerBytesUnwritten = 0;

  constructor(
    readonly socket: SyncSocket,
    readonly auth: SocketAuth,
    private readonly host: ConnectionHost,
  ) {}

  /** As a fanout listener: the origin a publish compares with (never delivered its own frames). */
  get origin(): Peer {
    return this;
  }

  /** As a fanout listener: a frame published to a topic this socket follows. */
  deliver(frame: Uint8Array): void {
    this.sendRaw(frame);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(frame: ServerFrame): void {
    this.sendRaw(encodeServerFrame(frame));
  }

  /** A frame encoded once for many sockets (a relayed update, a head). */
  sendRaw(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.outbox) this.outbox.push(bytes);
    else {
      this.outbox = [bytes];
      this.host.scheduleFlush(this);
    }
  }

  /** The answer to this device's own subscribe: however large, it is not a backlog (LIM1). */
  sendAnswer(frame: ServerFrame): void {
    if (this.closed) return;
    const bytes = encodeServerFrame(frame);
    (this.answers ??= new Set()).add(bytes);
    this.sendRaw(bytes);
  }

  /** Unsent bytes beyond the answers to the device's own requests. */
  private get backlog(): number {
    return (this.socket.bufferedAmount ?? 0) - this.answerBytesUnwritten;
  }

  /** Writes this tick's frames in one go; closes the socket first if it stopped reading (LIM1). */
  flush(): void {
    if (this.closed || !this.outbox) return;
    if (this.backlog > this.host.maxUnsentBytes) {
      return this.close('send_backlog', 'the device does not read; reconnect to catch up');
    }
    const frames = this.outbox;
    this.outbox = undefined;
    let answerBytes = 0;
    if (this.answers) {
      for (const bytes of frames) if (this.answers.delete(bytes)) answerBytes += bytes.byteLength;
      if (this.answers.size === 0) this.answers = undefined;
    }
    this.answerBytesUnwritten += answerBytes;
    const written = answerBytes > 0 ? () => (this.answerBytesUnwritten -= answerBytes) : undefined;
    if (this.socket.sendBatch) this.socket.sendBatch(frames, written);
    else {
      for (const bytes of frames) this.socket.send(bytes);
      written?.();
    }
  }

  close(reason: CloseReason | 'going_away', message: string = reason): void {
    if (this.closed) return;
    const code = reason === 'going_away' ? 1001 : CLOSE_CODES[reason].code;
    if (reason === 'send_backlog') {
      this.outbox = undefined;
      setTimeout(() => this.socket.terminate?.(), BACKLOG_TERMINATE_MS).unref();
    } else {
      this.flush(); // a `rejected` frame or the last acks go out before the close
      if (this.closed) return; // the flush found a backlog and closed it
    }
    this.socket.close(code, message.slice(0, 120));
    this.dispose();
  }

  /** Runs every subscription's disposer; safe to call twice (socket close after our own close). */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.subscriptions.values()) {
      sub.room.leave(this);
      if (sub.holdsAwareness && sub.conversationId !== null)
        this.host.leaveAwareness(this, sub.conversationId);
    }
    this.subscriptions.clear();
    this.waiting = undefined;
    this.waitingBytes = 0;
    this.host.disconnected(this);
  }

  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    if (!this.host.takeFrame(this.auth.userId)) return this.close('rate_limited', 'too many frames');
    if (bytes.byteLength > SYNC_LIMITS.MAX_FRAME_BYTES) return this.close('frame_too_large');
    // Frames are handled one after another, in the order they came: one that waits for the
    // store (a subscribe, an update to a document not in memory) holds the ones behind it.
    if (!this.busy) return this.handle(bytes);
    // LIM4: what waits is bounded; the frame budget alone would let 4,000 frames of 512 KiB pile up.
    this.waitingBytes += bytes.byteLength;
    if (this.waitingBytes > SYNC_LIMITS.MAX_WAITING_BYTES)
      return this.close('rate_limited', 'too many bytes waiting');
    (this.waiting ??= []).push(bytes);
  }

  private handle(bytes: Uint8Array): void {
    let pending: void | Promise<void>;
    try {
      pending = this.handleFrame(bytes);
    } catch (error) {
      return this.host.frameFailed(this, error);
    }
    if (!pending) return;
    this.busy = true;
    void pending
      .catch((error: unknown) => this.host.frameFailed(this, error))
      .finally(() => {
        this.busy = false;
        while (!this.busy && !this.closed && this.waiting && this.waiting.length > 0) {
          const next = this.waiting.shift()!;
          this.waitingBytes -= next.byteLength;
          this.handle(next);
        }
        if (this.waiting?.length === 0) this.waiting = undefined;
      });
  }

  private handleFrame(bytes: Uint8Array): void | Promise<void> {
    let frame: ClientFrame;
    try {
      const decoded = decodeClientFrame(bytes);
      if (decoded.kind === 'unknown') {
        // HS3: a newer client's frame type is ignored, once the hello is done (HS2: hello comes first).
        if (!this.helloDone) this.close('hello_expected');
        return;
      }
      frame = decoded.frame;
    } catch (error) {
      if (error instanceof MalformedFrameError) return this.close('malformed_frame', error.message);
      throw error;
    }
    if (!this.helloDone) {
      if (frame.type !== 'hello') return this.close('hello_expected');
      if (frame.protocolVersion !== PROTOCOL_VERSION) {
        return this.close('protocol_version', `server speaks version ${PROTOCOL_VERSION}`);
      }
      this.helloDone = true;
      this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: this.auth.userId });
      return;
    }
    switch (frame.type) {
      case 'hello':
        return this.close('hello_expected', 'hello twice');
      case 'subscribe':
        if (frame.docs.length > SYNC_LIMITS.MAX_SUBSCRIBE_DOCS)
          return this.close('malformed_frame', 'too many documents');
        return this.host.subscribe(this, frame.docs);
      case 'unsubscribe':
        for (const docId of frame.docIds) this.unsubscribe(docId);
        return;
      case 'update': {
        const sub = this.subscriptions.get(frame.docId);
        if (!sub) {
          return this.host.refuseUpdate(
            this,
            frame.docId,
            frame.ref,
            'update_not_subscribed',
            'subscribe first',
          );
        }
        return sub.room.receive(this, sub, frame.ref, frame.update, frame.basis, frame.updateId);
      }
      case 'awareness':
        return this.relayAwareness(frame.conversationId, frame.payload);
    }
  }

  enter(room: RoomHandle, terms: SubscriptionTerms): boolean {
    if (this.closed || this.subscriptions.has(room.docId)) return false;
    const { conversationId } = terms;
    const first = conversationId !== null && !this.subscriptionIn(conversationId);
    // Spelled out, not spread: a spread copy gets a hidden class of its own (~200 bytes each).
    const sub: HeldSubscription = {
      conversationId,
      role: terms.role,
      declared: terms.declared,
      room,
      holdsAwareness: first,
    };
    this.subscriptions.set(room.docId, sub);
    room.join(this);
    // A conversation's awareness comes with its first segment, once.
    if (first) this.host.joinAwareness(this, conversationId);
    return true;
  }

  unsubscribe(docId: string): boolean {
    const sub = this.subscriptions.get(docId);
    if (!sub) return false;
    this.subscriptions.delete(docId);
    sub.room.leave(this);
    if (sub.holdsAwareness && sub.conversationId !== null) {
      // Another segment of the conversation keeps its awareness; the last one leaves it.
      const heir = this.subscriptionIn(sub.conversationId);
      if (heir) heir.holdsAwareness = true;
      else this.host.leaveAwareness(this, sub.conversationId);
    }
    return true;
  }

  /** One of the socket's subscriptions to a segment of the conversation. */
  private subscriptionIn(conversationId: string): HeldSubscription | undefined {
    for (const sub of this.subscriptions.values()) if (sub.conversationId === conversationId) return sub;
    return undefined;
  }

  private relayAwareness(conversationId: string, payload: Uint8Array): void {
    // AW1: only a subscribed member's typing is relayed; never stored. Oversized is dropped.
    if (payload.byteLength > SYNC_LIMITS.MAX_AWARENESS_BYTES || !this.subscriptionIn(conversationId)) return;
    this.host.relayAwareness(this, conversationId, payload);
  }
}
