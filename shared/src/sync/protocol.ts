import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The sync socket's wire protocol: binary frames, a varuint tag then the fields in order.
 * Encoders and decoders of both directions live here together so they cannot drift.
 * Rules with ids (HS1, SUB2, …) are in docs/protocol.md.
 */
export const PROTOCOL_VERSION = 3;

/** Events about the user (not a document) pushed on the socket: membership, profiles. */
export type UserEvent =
  | { type: 'membership.changed'; conversationId: string; change: 'added' | 'removed' | 'left' | 'role' }
  | { type: 'user.changed'; userId: string }
  /** A friend request, friendship or block involving the user changed: refresh the friends lists. */
  | { type: 'relationship.changed' }
  /**
   * A conversation's list data changed (name, picture, members, last message): refresh the list.
   * `cause: 'messages'` when only new messages changed it: a device holding the conversation's
   * newest segment already has them and need not ask.
   */
  | { type: 'conversation.changed'; conversationId: string; cause?: 'messages' };

export interface SubscribeItem {
  docId: string;
  /** The highest log sequence number the device has everything up to (0: nothing). */
  seq: number;
  /** Yjs state vector of the device's copy, used when the log no longer reaches back to `seq`. */
  stateVector: Uint8Array;
}

/** Device → server. */
export type ClientFrame =
  | { type: 'hello'; protocolVersion: number }
  | { type: 'subscribe'; docs: SubscribeItem[] }
  | { type: 'unsubscribe'; docIds: string[] }
  /**
   * `ref` is the device's number for this update, echoed in its ack. `basis` is the Yjs state
   * vector of the device's copy just before it made the update (POS2): what it had seen. Absent
   * when encoding, it travels as the empty state vector (nothing seen). `updateId` (SEQ3,
   * protocol 3): `UPDATE_ID_BYTES` random bytes the device gave the update when it entered its
   * outbox, the same in every retry; absent (travels as empty), the update has no retry identity.
   */
  | {
      type: 'update';
      docId: string;
      ref: number;
      update: Uint8Array;
      basis?: Uint8Array;
      updateId?: Uint8Array;
    }
  | { type: 'awareness'; conversationId: string; payload: Uint8Array };

/** Why a subscription was refused or ended. */
export type DenyReason = 'not_member' | 'not_owner' | 'bad_doc_id' | 'membership_ended';

/** Server → device. */
export type ServerFrame =
  | { type: 'hello'; protocolVersion: number; userId: string }
  /** Answer to a subscribe: only what the device lacks, and the head sequence it now has. */
  | { type: 'sync'; docId: string; seq: number; update: Uint8Array; latestSegment: number }
  /**
   * Another device's update, relayed as soon as it is validated (before its commit): `seq` is 0
   * then, and the device learns what is durable from the `head` that follows the commit.
   */
  | { type: 'update'; docId: string; seq: number; update: Uint8Array }
  /** Everything of the document through `seq` is committed, and this device has been sent all of it. */
  | { type: 'head'; docId: string; seq: number }
  /** The update `ref` is committed (durable) as `seq` (0 when it changed nothing). */
  | { type: 'ack'; docId: string; ref: number; seq: number }
  | { type: 'denied'; docId: string; reason: DenyReason }
  /**
   * The update `ref` was refused whole; `code` is from CLOSE_CODES. The socket closes next with that
   * code, but for `update_missing_dependency`, which leaves it open (VAL6).
   */
  | { type: 'rejected'; docId: string; ref: number; code: number }
  /** A newer segment of a conversation exists; subscribe to it. */
  | { type: 'segment'; conversationId: string; index: number }
  /** Awareness (typing) of another device; `userId` is stamped by the server, never trusted from peers. */
  | { type: 'awareness'; conversationId: string; userId: string; payload: Uint8Array }
  | { type: 'event'; event: UserEvent };

/** SEQ3: the length of an update's id (16 random bytes: no two devices pick the same one). */
export const UPDATE_ID_BYTES = 16;

/** The empty Yjs state vector: a device that has seen nothing of the document. */
const NOTHING_SEEN = new Uint8Array([0]);

const NO_UPDATE_ID = new Uint8Array(0);

const CLIENT_TAGS = { hello: 1, subscribe: 2, unsubscribe: 3, update: 4, awareness: 5 } as const;
const SERVER_TAGS = {
  hello: 1,
  sync: 2,
  update: 3,
  ack: 4,
  denied: 5,
  rejected: 6,
  segment: 7,
  awareness: 8,
  event: 9,
  head: 10,
} as const;

const DENY_REASONS: readonly DenyReason[] = ['not_member', 'not_owner', 'bad_doc_id', 'membership_ended'];

export class MalformedFrameError extends Error {
  override name = 'MalformedFrameError';
}

/** A decoded frame, or `unknown` for a tag this version does not know (ignored, per HS3). */
export type Decoded<F> = { kind: 'frame'; frame: F } | { kind: 'unknown'; tag: number };

export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, CLIENT_TAGS[frame.type]);
  switch (frame.type) {
    case 'hello':
      encoding.writeVarUint(e, frame.protocolVersion);
      break;
    case 'subscribe':
      encoding.writeVarUint(e, frame.docs.length);
      for (const item of frame.docs) {
        encoding.writeVarString(e, item.docId);
        encoding.writeVarUint(e, item.seq);
        encoding.writeVarUint8Array(e, item.stateVector);
      }
      break;
    case 'unsubscribe':
      encoding.writeVarUint(e, frame.docIds.length);
      for (const docId of frame.docIds) encoding.writeVarString(e, docId);
      break;
    case 'update':
      encoding.writeVarString(e, frame.docId);
      encoding.writeVarUint(e, frame.ref);
      encoding.writeVarUint8Array(e, frame.update);
      encoding.writeVarUint8Array(e, frame.basis ?? NOTHING_SEEN);
      encoding.writeVarUint8Array(e, frame.updateId ?? NO_UPDATE_ID);
      break;
    case 'awareness':
      encoding.writeVarString(e, frame.conversationId);
      encoding.writeVarUint8Array(e, frame.payload);
      break;
  }
  return encoding.toUint8Array(e);
}

export function encodeServerFrame(frame: ServerFrame): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, SERVER_TAGS[frame.type]);
  switch (frame.type) {
    case 'hello':
      encoding.writeVarUint(e, frame.protocolVersion);
      encoding.writeVarString(e, frame.userId);
      break;
    case 'sync':
      encoding.writeVarString(e, frame.docId);
      encoding.writeVarUint(e, frame.seq);
      encoding.writeVarUint8Array(e, frame.update);
      // -1 (no segments / not a conversation) travels as 0, others as index + 1.
      encoding.writeVarUint(e, frame.latestSegment + 1);
      break;
    case 'update':
      encoding.writeVarString(e, frame.docId);
      encoding.writeVarUint(e, frame.seq);
      encoding.writeVarUint8Array(e, frame.update);
      break;
    case 'ack':
      encoding.writeVarString(e, frame.docId);
      encoding.writeVarUint(e, frame.ref);
      encoding.writeVarUint(e, frame.seq);
      break;
    case 'denied':
      encoding.writeVarString(e, frame.docId);
      encoding.writeVarString(e, frame.reason);
      break;
    case 'rejected':
      encoding.writeVarString(e, frame.docId);
      encoding.writeVarUint(e, frame.ref);
      encoding.writeVarUint(e, frame.code);
      break;
    case 'segment':
      encoding.writeVarString(e, frame.conversationId);
      encoding.writeVarUint(e, frame.index);
      break;
    case 'awareness':
      encoding.writeVarString(e, frame.conversationId);
      encoding.writeVarString(e, frame.userId);
      encoding.writeVarUint8Array(e, frame.payload);
      break;
    case 'event':
      encoding.writeVarString(e, JSON.stringify(frame.event));
      break;
    case 'head':
      encoding.writeVarString(e, frame.docId);
      encoding.writeVarUint(e, frame.seq);
      break;
  }
  return encoding.toUint8Array(e);
}

/** Runs a decoder and turns every read past the end or bad value into MalformedFrameError. */
function guarded<T>(bytes: Uint8Array, read: (d: decoding.Decoder) => T): T {
  const d = decoding.createDecoder(bytes);
  let value: T;
  try {
    value = read(d);
  } catch (error) {
    if (error instanceof MalformedFrameError) throw error;
    throw new MalformedFrameError(error instanceof Error ? error.message : 'undecodable frame');
  }
  if (decoding.hasContent(d)) throw new MalformedFrameError('trailing bytes after the frame');
  return value;
}

const MAX_LIST = 10_000;
function readCount(d: decoding.Decoder): number {
  const n = decoding.readVarUint(d);
  if (n > MAX_LIST) throw new MalformedFrameError(`list of ${n} items is too long`);
  return n;
}

function readString(d: decoding.Decoder, max = 1024): string {
  const s = decoding.readVarString(d);
  if (s.length > max) throw new MalformedFrameError('string field too long');
  return s;
}

export function decodeClientFrame(bytes: Uint8Array): Decoded<ClientFrame> {
  return guarded(bytes, (d): Decoded<ClientFrame> => {
    const tag = decoding.readVarUint(d);
    switch (tag) {
      case CLIENT_TAGS.hello:
        return { kind: 'frame', frame: { type: 'hello', protocolVersion: decoding.readVarUint(d) } };
      case CLIENT_TAGS.subscribe: {
        const n = readCount(d);
        const docs: SubscribeItem[] = [];
        for (let i = 0; i < n; i++) {
          docs.push({
            docId: readString(d),
            seq: decoding.readVarUint(d),
            stateVector: decoding.readVarUint8Array(d),
          });
        }
        return { kind: 'frame', frame: { type: 'subscribe', docs } };
      }
      case CLIENT_TAGS.unsubscribe: {
        const n = readCount(d);
        const docIds: string[] = [];
        for (let i = 0; i < n; i++) docIds.push(readString(d));
        return { kind: 'frame', frame: { type: 'unsubscribe', docIds } };
      }
      case CLIENT_TAGS.update: {
        const docId = readString(d);
        const ref = decoding.readVarUint(d);
        const update = decoding.readVarUint8Array(d);
        const basis = decoding.readVarUint8Array(d);
        const updateId = decoding.readVarUint8Array(d);
        if (updateId.byteLength !== 0 && updateId.byteLength !== UPDATE_ID_BYTES)
          throw new MalformedFrameError(`an update id is ${UPDATE_ID_BYTES} bytes`);
        const frame: ClientFrame = { type: 'update', docId, ref, update, basis };
        if (updateId.byteLength > 0) frame.updateId = updateId;
        return { kind: 'frame', frame };
      }
      case CLIENT_TAGS.awareness:
        return {
          kind: 'frame',
          frame: { type: 'awareness', conversationId: readString(d), payload: decoding.readVarUint8Array(d) },
        };
      default:
        // Skip the rest: a newer client's frame this server does not know is ignored (HS3).
        d.pos = d.arr.length;
        return { kind: 'unknown', tag };
    }
  });
}

function parseUserEvent(text: string): UserEvent {
  const value = JSON.parse(text) as unknown;
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    throw new MalformedFrameError('event without a type');
  }
  return value as UserEvent;
}

export function decodeServerFrame(bytes: Uint8Array): Decoded<ServerFrame> {
  return guarded(bytes, (d): Decoded<ServerFrame> => {
    const tag = decoding.readVarUint(d);
    switch (tag) {
      case SERVER_TAGS.hello:
        return {
          kind: 'frame',
          frame: { type: 'hello', protocolVersion: decoding.readVarUint(d), userId: readString(d) },
        };
      case SERVER_TAGS.sync:
        return {
          kind: 'frame',
          frame: {
            type: 'sync',
            docId: readString(d),
            seq: decoding.readVarUint(d),
            update: decoding.readVarUint8Array(d),
            latestSegment: decoding.readVarUint(d) - 1,
          },
        };
      case SERVER_TAGS.update:
        return {
          kind: 'frame',
          frame: {
            type: 'update',
            docId: readString(d),
            seq: decoding.readVarUint(d),
            update: decoding.readVarUint8Array(d),
          },
        };
      case SERVER_TAGS.ack:
        return {
          kind: 'frame',
          frame: {
            type: 'ack',
            docId: readString(d),
            ref: decoding.readVarUint(d),
            seq: decoding.readVarUint(d),
          },
        };
      case SERVER_TAGS.denied: {
        const docId = readString(d);
        const reason = readString(d) as DenyReason;
        if (!DENY_REASONS.includes(reason)) throw new MalformedFrameError(`unknown deny reason ${reason}`);
        return { kind: 'frame', frame: { type: 'denied', docId, reason } };
      }
      case SERVER_TAGS.rejected:
        return {
          kind: 'frame',
          frame: {
            type: 'rejected',
            docId: readString(d),
            ref: decoding.readVarUint(d),
            code: decoding.readVarUint(d),
          },
        };
      case SERVER_TAGS.segment:
        return {
          kind: 'frame',
          frame: { type: 'segment', conversationId: readString(d), index: decoding.readVarUint(d) },
        };
      case SERVER_TAGS.awareness:
        return {
          kind: 'frame',
          frame: {
            type: 'awareness',
            conversationId: readString(d),
            userId: readString(d),
            payload: decoding.readVarUint8Array(d),
          },
        };
      case SERVER_TAGS.head:
        return { kind: 'frame', frame: { type: 'head', docId: readString(d), seq: decoding.readVarUint(d) } };
      case SERVER_TAGS.event:
        return { kind: 'frame', frame: { type: 'event', event: parseUserEvent(readString(d, 64 * 1024)) } };
      default:
        d.pos = d.arr.length;
        return { kind: 'unknown', tag };
    }
  });
}
