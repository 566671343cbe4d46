import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeAwareness, encodeAwareness, MAX_AWARENESS_ENTRIES } from './awareness.ts';

describe('awareness payloads', () => {
  it('[AW2] reads what y-protocols writes, and y-protocols reads what we write', () => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalState({ typing: true, active: true });
    const payload = encodeAwarenessUpdate(awareness, [doc.clientID]);
    expect(decodeAwareness(payload)).toEqual({
      ok: true,
      value: [{ clientId: doc.clientID, clock: 1, state: { typing: true, active: true } }],
    });
    expect(
      encodeAwareness([{ clientId: doc.clientID, clock: 1, state: { typing: true, active: true } }]),
    ).toEqual(payload);
    awareness.setLocalState(null);
    expect(decodeAwareness(encodeAwarenessUpdate(awareness, [doc.clientID]))).toMatchObject({
      ok: true,
      value: [{ state: null }],
    });
    awareness.destroy();
  });

  it('[AW2] refuses fields outside the schema, wrong types, too many entries and garbage', () => {
    const one = (state: unknown) => encodeAwareness([{ clientId: 7, clock: 1, state: state as never }]);
    expect(decodeAwareness(one({ typing: true, name: 'Alice' }))).toMatchObject({
      ok: false,
      problem: /name/,
    });
    expect(decodeAwareness(one({ typing: 'yes' }))).toMatchObject({ ok: false, problem: /true or false/ });
    expect(decodeAwareness(one([true]))).toMatchObject({ ok: false });
    expect(decodeAwareness(one({}))).toMatchObject({ ok: true });
    const many = Array.from({ length: MAX_AWARENESS_ENTRIES + 1 }, (_, i) => ({
      clientId: i,
      clock: 1,
      state: {},
    }));
    expect(decodeAwareness(encodeAwareness(many))).toMatchObject({ ok: false, problem: /1–4 entries/ });
    expect(decodeAwareness(new Uint8Array([1, 7, 1, 3, 123, 123, 123]))).toMatchObject({ ok: false });
    const trailing = encoding.createEncoder();
    encoding.writeUint8Array(trailing, one({}));
    encoding.writeVarUint(trailing, 9);
    expect(decodeAwareness(encoding.toUint8Array(trailing))).toMatchObject({
      ok: false,
      problem: /trailing/,
    });
  });
});
