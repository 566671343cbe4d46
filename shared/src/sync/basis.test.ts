import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendMessage } from '../schema/segment.ts';
import { basisBefore } from './basis.ts';

describe('basis of a local update', () => {
  it('[POS2] is the state vector just before the change: what the device had, without the change itself', () => {
    const other = new Y.Doc();
    appendMessage(other, { id: 'mOther0001', author: 'u_b', text: 'hi', sentAt: 1 });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    appendMessage(doc, { id: 'mMine00001', author: 'u_a', text: 'first', sentAt: 2 });
    const had = Y.encodeStateVector(doc);
    let update: Uint8Array = new Uint8Array();
    doc.once('update', (u: Uint8Array) => (update = u));
    appendMessage(doc, { id: 'mMine00002', author: 'u_a', text: 'second', sentAt: 3 });
    expect(Y.decodeStateVector(basisBefore(doc, update))).toEqual(Y.decodeStateVector(had));
  });
});
