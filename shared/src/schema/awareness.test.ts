import { encodeUtf8 } from 'lib0/string';
import { describe, expect, it } from 'vitest';
import { checkAwarenessPayload, encodeAwareness } from './awareness.ts';

const raw = (text: string) => encodeUtf8(text);

describe('awareness payloads', () => {
  it('[AW2] round-trips the schema: typing, and optionally active', () => {
    expect(checkAwarenessPayload(encodeAwareness({ typing: true }))).toEqual({
      ok: true,
      value: { typing: true },
    });
    expect(checkAwarenessPayload(encodeAwareness({ typing: false, active: true }))).toEqual({
      ok: true,
      value: { typing: false, active: true },
    });
    expect(encodeAwareness({ typing: true, name: 'Alice' } as never)).toEqual(raw('{"typing":true}'));
  });

  it('[AW2] refuses identities, unknown fields, wrong types and anything that is not a JSON object', () => {
    expect(checkAwarenessPayload(raw('{"typing":true,"userId":"u_alice"}'))).toMatchObject({
      ok: false,
      problem: 'unknown awareness field userId',
    });
    expect(checkAwarenessPayload(raw('{"typing":"yes"}'))).toMatchObject({ ok: false, problem: /typing/ });
    expect(checkAwarenessPayload(raw('{"typing":true,"active":1}'))).toMatchObject({
      ok: false,
      problem: /active/,
    });
    expect(checkAwarenessPayload(raw('{}'))).toMatchObject({ ok: false });
    for (const bad of ['null', '[true]', 'not json', '"typing"']) {
      expect(checkAwarenessPayload(raw(bad))).toMatchObject({ ok: false });
    }
    expect(checkAwarenessPayload(new Uint8Array([0xff, 0xfe]))).toMatchObject({ ok: false });
  });
});
