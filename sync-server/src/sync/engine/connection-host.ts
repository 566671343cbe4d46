import type { CloseReason, ServerFrame, SubscribeItem } from '@messenjo/shared';
import type { Role } from '../../conversations/membership-store.ts';
import type { FanoutListener } from './fanout.ts';
import type { Flushable } from './tick-flusher.ts';

/**
 * The contract between a device's connection and the sync engine, in both directions: the one
 * module of `engine/` that `socket/` imports. The connection (`socket/connection.ts`) implements
 * `Peer` and calls a `ConnectionHost`; the engine (`hub.ts`, `room.ts`, `user-events.ts`)
 * implements the host and rooms and sees connections only as `Peer`s. Neither side imports the
 * other, so the engine can be read without the socket code and the socket code without the engine.
 */

/** Who a socket belongs to, settled when it was upgraded. */
export interface SocketAuth {
  userId: string;
  sessionId: string;
}

/** What a subscription grants: settled by the host when it authorizes a subscribe. */
export interface SubscriptionTerms {
  /** The conversation of a segment; null for a user's private document. */
  conversationId: string | null;
  /** The member's role when subscribed (kept current by `membership.changed`). */
  role: Role | null;
  /** The state vector the device declared when it subscribed: what it has seen (POS3). Read only: shared when empty. */
  declared: ReadonlyMap<number, number>;
}

/** One document a connection follows: the room it is in and on what terms. */
export interface Subscription extends SubscriptionTerms {
  readonly room: RoomHandle;
}

/**
 * A device's socket as the engine sees it. It is its own fanout listener (origin: itself,
 * deliver: `sendRaw`), so following a topic costs no listener object or closure per socket.
 */
export interface Peer extends FanoutListener<Peer> {
  readonly auth: SocketAuth;
  /** The documents this socket follows, by document id; the connection owns them. */
  readonly subscriptions: ReadonlyMap<string, Subscription>;
  send(frame: ServerFrame): void;
  /** A frame encoded once for many sockets (a relayed update, a head). */
  sendRaw(bytes: Uint8Array): void;
  /** The answer to this socket's own subscribe (LIM1 does not count it as backlog). */
  sendAnswer(frame: ServerFrame): void;
  close(reason: CloseReason | 'going_away', message?: string): void;
  /** Starts following a document the host authorized; false when the socket already follows it. */
  enter(room: RoomHandle, terms: SubscriptionTerms): boolean;
  /** Stops following a document; false when it did not. */
  unsubscribe(docId: string): boolean;
}

/** A live document as a connection sees it: it joins, leaves and hands over its updates. */
export interface RoomHandle {
  readonly docId: string;
  join(peer: Peer): void;
  leave(peer: Peer): void;
  /**
   * An update from a socket subscribed on these terms (UP1 is checked by the connection). A
   * promise when the room had to read the store first: the connection handles its next frame
   * only once it settled.
   */
  receive(
    peer: Peer,
    subscription: Subscription,
    ref: number,
    update: Uint8Array,
    basis?: Uint8Array,
    /** SEQ3: the device's id of the update, the same in every retry. */
    updateId?: Uint8Array,
  ): void | Promise<void>;
}

/** What a connection asks of the engine. */
export interface ConnectionHost {
  /**
   * LIM2 over all server processes, asked before the upgrade: takes a place for a socket of this
   * auth, or says which cap it would pass. The place is the socket's once `admit` gets the same
   * auth object; `cancelReservation` gives it back when the socket never got that far.
   */
  reserve(auth: SocketAuth): Promise<CloseReason | null>;
  /** The reserved socket never reached `admit` (its upgrade failed). */
  cancelReservation(auth: SocketAuth): void;
  /**
   * LIM2: registers a new connection, or says why it may not stay open (the caller closes it
   * with that reason; `going_away` once the engine is shutting down).
   */
  admit(peer: Peer): CloseReason | 'going_away' | null;
  /** LIM3: takes one frame from the user's budget (shared by all their sockets); false when spent. */
  takeFrame(userId: string): boolean;
  /**
   * Writes the connection's queued frames at the end of this event-loop turn, together with every
   * other socket's (and right after a group commit, so acks and heads leave at once).
   */
  scheduleFlush(connection: Flushable): void;
  /** LIM1: relayed bytes a socket may leave unread before it is closed `send_backlog`. */
  readonly maxUnsentBytes: number;
  /**
   * Authorizes a subscribe batch, enters the socket into the allowed rooms and answers each,
   * after reading the store: the connection handles its next frame once this settled.
   */
  subscribe(peer: Peer, items: SubscribeItem[]): Promise<void>;
  /** Starts relaying a conversation's awareness to the socket (once per conversation). */
  joinAwareness(peer: Peer, conversationId: string): void;
  /** Stops it (when the socket leaves the conversation's last segment it followed). */
  leaveAwareness(peer: Peer, conversationId: string): void;
  /** Relays the socket's awareness to the conversation's other sockets (AW1, AW2). */
  relayAwareness(peer: Peer, conversationId: string, payload: Uint8Array): void;
  /** Refuses an update: `rejected`, then the close (or not, for a missing dependency). */
  refuseUpdate(peer: Peer, docId: string, ref: number, reason: CloseReason, problem: string): void;
  /** Handling one of the socket's frames failed unexpectedly (never on input): log it, close the socket. */
  frameFailed(peer: Peer, error: unknown): void;
  /** The connection is closed and has left every room. */
  disconnected(peer: Peer): void;
}
