import { describe, expect, it } from 'vitest';
import { decodeRelayHeader, encodeRelayMessage, type RelayHeader } from './relay-message.ts';

const committed = (updates: { docId: string; seq: number; userId: string; data: Uint8Array }[]) => {
  const header: RelayHeader = {
    kind: 'committed',
    from: 'p1',
    updates: updates.map(({ docId, seq, userId, data }) => ({ docId, seq, userId, bytes: data.byteLength })),
  };
  return {
    header,
    message: encodeRelayMessage(
      header,
      updates.map((u) => u.data),
    ),
  };
};

describe('relay messages between processes', () => {
  it('carries a batch of committed updates byte for byte, every byte value included', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const { header, message } = committed([
      { docId: 'c:abc:0', seq: 42, userId: 'u1', data: all },
      { docId: 'c:def:0', seq: 7, userId: 'u2', data: new Uint8Array() },
      { docId: 'c:abc:0', seq: 43, userId: 'u1', data: new Uint8Array([0, 255]) },
    ]);
    const decoded = decodeRelayHeader(message)!;
    expect(decoded.header).toEqual(header);
    const bytes = Uint8Array.from(message.subarray(decoded.payloadAt));
    expect(bytes).toEqual(Uint8Array.from([...all, 0, 255]));
  });

  it('carries awareness with its conversation and sender', () => {
    const header = { kind: 'awareness', from: 'p2', conversationId: 'c1', userId: 'u2' } as const;
    const message = encodeRelayMessage(header, new Uint8Array([1, 2]));
    expect(decodeRelayHeader(message)?.header).toEqual(header);
  });

  it('reads anything malformed as nothing', () => {
    const { message: good } = committed([{ docId: 'd', seq: 1, userId: 'u', data: new Uint8Array([9]) }]);
    expect(decodeRelayHeader(good)).toBeDefined();
    expect(decodeRelayHeader(Buffer.from([]))).toBeUndefined();
    expect(decodeRelayHeader(Buffer.concat([Buffer.from([7]), good.subarray(1)]))).toBeUndefined();
    expect(decodeRelayHeader(good.subarray(0, 10))).toBeUndefined();
    // The lengths must add up to the payload: one byte missing or one too many.
    expect(decodeRelayHeader(good.subarray(0, good.byteLength - 1))).toBeUndefined();
    expect(decodeRelayHeader(Buffer.concat([good, Buffer.from([1])]))).toBeUndefined();
    const { message: badSeq } = committed([{ docId: 'd', seq: 0, userId: 'u', data: new Uint8Array() }]);
    expect(decodeRelayHeader(badSeq)).toBeUndefined();
    const notJson = Buffer.from([0, 0, 3, 0x7b, 0x7b, 0x7b]);
    expect(decodeRelayHeader(notJson)).toBeUndefined();
  });
});
