import { encodeUtf8 } from 'lib0/string';
import { describe, expect, it } from 'vitest';
import { decodeTyping, encodeTyping } from './typing.ts';

describe('typing payload', () => {
  it('[AW2] round-trips typing on and off', () => {
    expect(decodeTyping(encodeTyping({ typing: true }))).toEqual({ typing: true });
    expect(decodeTyping(encodeTyping({ typing: false }))).toEqual({ typing: false });
  });

  it('[AW2] ignores anything that is not a typing state', () => {
    const enc = encodeUtf8;
    expect(decodeTyping(enc('not json'))).toBeUndefined();
    expect(decodeTyping(enc('{"typing":"yes"}'))).toBeUndefined();
    expect(decodeTyping(enc('null'))).toBeUndefined();
    expect(decodeTyping(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
  });
});
