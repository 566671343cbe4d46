import { describe, expect, it } from 'vitest';
import { decodeRelayHeader, encodeRelayMessage } from './relay-message.ts';

describe('relay messages between processes', () => {
  it('carries a committed update byte for byte, every byte value included', () => {
    const data = Uint8Array.from({ length: 256 }, (_, i) => i);
    const header = { kind: 'committed', from: 'p1', docId: 'c:abc:0', seq: 42, userId: 'u1' } as const;
    const message = encodeRelayMessage(header, data);
    const decoded = decodeRelayHeader(message);
    expect(decoded?.header).toEqual(header);
    expect(Uint8Array.from(message.subarray(decoded!.payloadAt))).toEqual(data);
  });

  it('carries awareness with its conversation and sender', () => {
    const header = { kind: 'awareness', from: 'p2', conversationId: 'c1', userId: 'u2' } as const;
    const message = encodeRelayMessage(header, new Uint8Array([1, 2]));
    expect(decodeRelayHeader(message)?.header).toEqual(header);
  });

  it('reads anything malformed as nothing', () => {
    const good = encodeRelayMessage(
      { kind: 'committed', from: 'p1', docId: 'd', seq: 1, userId: 'u' },
      new Uint8Array([9]),
    );
    expect(decodeRelayHeader(Buffer.from([]))).toBeUndefined();
    expect(decodeRelayHeader(Buffer.concat([Buffer.from([7]), good.subarray(1)]))).toBeUndefined();
    expect(decodeRelayHeader(good.subarray(0, 10))).toBeUndefined();
    const badSeq = encodeRelayMessage(
      { kind: 'committed', from: 'p1', docId: 'd', seq: 0, userId: 'u' },
      new Uint8Array(),
    );
    expect(decodeRelayHeader(badSeq)).toBeUndefined();
    const notJson = Buffer.from([0, 0, 3, 0x7b, 0x7b, 0x7b]);
    expect(decodeRelayHeader(notJson)).toBeUndefined();
  });
});
