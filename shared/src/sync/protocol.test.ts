import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, closeReasonOf, shouldRetryClose } from './close-codes.ts';
import { parseDocId, segmentDocId, userDocId } from './doc-ids.ts';
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
  MalformedFrameError,
  PROTOCOL_VERSION,
  UPDATE_ID_BYTES,
  type ClientFrame,
  type ServerFrame,
} from './protocol.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

const CLIENT_FRAMES: ClientFrame[] = [
  { type: 'hello', protocolVersion: PROTOCOL_VERSION },
  {
    type: 'subscribe',
    docs: [
      { docId: 'conv:c_a:seg:0', seq: 12, stateVector: bytes(1, 2, 3) },
      { docId: 'user:u_b', seq: 0, stateVector: bytes(0) },
    ],
  },
  { type: 'unsubscribe', docIds: ['conv:c_a:seg:1'] },
  { type: 'update', docId: 'conv:c_a:seg:0', ref: 99, update: bytes(0, 0), basis: bytes(1, 5, 2) },
  {
    type: 'update',
    docId: 'conv:c_a:seg:0',
    ref: 100,
    update: bytes(0, 0),
    basis: bytes(0),
    updateId: new Uint8Array(UPDATE_ID_BYTES).fill(7),
  },
  { type: 'awareness', conversationId: 'c_a', payload: bytes(5) },
];

const SERVER_FRAMES: ServerFrame[] = [
  { type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_x' },
  { type: 'sync', docId: 'conv:c_a:seg:0', seq: 3, update: bytes(0, 0), latestSegment: -1 },
  { type: 'sync', docId: 'conv:c_a:seg:0', seq: 3, update: bytes(0, 0), latestSegment: 4 },
  { type: 'update', docId: 'd', seq: 1_000_000, update: bytes(9) },
  { type: 'ack', docId: 'd', ref: 7, seq: 0 },
  { type: 'head', docId: 'd', seq: 42 },
  { type: 'denied', docId: 'd', reason: 'membership_ended' },
  { type: 'rejected', docId: 'd', ref: 1, code: 4022 },
  { type: 'segment', conversationId: 'c_a', index: 2 },
  { type: 'awareness', conversationId: 'c_a', userId: 'u_y', payload: bytes(1, 2) },
  { type: 'event', event: { type: 'membership.changed', conversationId: 'c_a', change: 'added' } },
];

describe('wire protocol', () => {
  it('[FR1] every client frame round-trips through its binary encoding', () => {
    for (const frame of CLIENT_FRAMES)
      expect(decodeClientFrame(encodeClientFrame(frame))).toEqual({ kind: 'frame', frame });
  });

  it('[FR1] every server frame round-trips through its binary encoding', () => {
    for (const frame of SERVER_FRAMES)
      expect(decodeServerFrame(encodeServerFrame(frame))).toEqual({ kind: 'frame', frame });
  });

  it('[SEQ3] an update id is 16 bytes or absent: any other length is a malformed frame', () => {
    const frame = (updateId: Uint8Array) =>
      encodeClientFrame({ type: 'update', docId: 'd', ref: 1, update: bytes(0, 0), updateId });
    expect(() => decodeClientFrame(frame(new Uint8Array(15)))).toThrow(MalformedFrameError);
    expect(() => decodeClientFrame(frame(new Uint8Array(17)))).toThrow(MalformedFrameError);
    expect(decodeClientFrame(frame(new Uint8Array(0)))).toMatchObject({ frame: { type: 'update' } });
    expect(decodeClientFrame(frame(new Uint8Array(0)))).not.toHaveProperty('frame.updateId');
  });

  it('[HS3] decodes an unknown frame type as unknown (ignored) and truncated or padded frames as malformed', () => {
    expect(decodeClientFrame(bytes(77, 1, 2, 3))).toEqual({ kind: 'unknown', tag: 77 });
    expect(decodeServerFrame(bytes(77))).toEqual({ kind: 'unknown', tag: 77 });
    const update = encodeClientFrame({ type: 'update', docId: 'd', ref: 1, update: bytes(1, 2, 3) });
    expect(() => decodeClientFrame(update.slice(0, -1))).toThrow(MalformedFrameError);
    expect(() => decodeClientFrame(new Uint8Array([...update, 0]))).toThrow(MalformedFrameError);
    expect(() => decodeClientFrame(bytes())).toThrow(MalformedFrameError);
    expect(() => decodeServerFrame(bytes(5, 1, 100, 1, 120))).toThrow(MalformedFrameError);
  });
});

describe('close codes', () => {
  it('[CC1] are unique, within 4000–4999, and each says whether to retry', () => {
    const codes = Object.values(CLOSE_CODES).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code >= 4000 && code <= 4999).toBe(true);
    expect(closeReasonOf(4003)).toBe('session_revoked');
    expect(shouldRetryClose(CLOSE_CODES.session_revoked.code)).toBe(false);
    expect(shouldRetryClose(CLOSE_CODES.update_foreign_client.code)).toBe(true);
    expect(shouldRetryClose(1006)).toBe(true);
    expect(shouldRetryClose(4999)).toBe(false);
  });
});

describe('document ids', () => {
  it('[SUB1] say what a document is, and anything else is not a document id', () => {
    expect(parseDocId(segmentDocId('c_abc', 3))).toEqual({
      kind: 'segment',
      conversationId: 'c_abc',
      index: 3,
    });
    expect(parseDocId(userDocId('u_abc'))).toEqual({ kind: 'user', userId: 'u_abc' });
    for (const bad of [
      'conv:c_a:seg:01',
      'conv:c_a:seg:-1',
      'conv:../x:seg:0',
      'user:u_a:extra',
      'user:',
      'conv:c_a:seg:99999999',
      'x',
    ]) {
      expect(parseDocId(bad)).toBeUndefined();
    }
  });
});
