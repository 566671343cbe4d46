import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { packCommit, unpackCommit } from './commit-worker-protocol.ts';

describe('a commit as it crosses to the worker', () => {
  it('carries an update id read from a large frame as its own bytes, not the frame it is a view of', () => {
    // A socket's read chunk with the update and its id inside, as the frame decoder leaves them.
    const chunk = new Uint8Array(64 * 1024).fill(7);
    chunk.set([1, 2, 3], 100);
    chunk.set(new Uint8Array(16).fill(9), 200);
    const row = {
      docId: 'u:someone',
      data: chunk.subarray(100, 103),
      userId: 'someone',
      newClients: [42],
      updateId: chunk.subarray(200, 216),
    };
    const { request, transfer } = packCommit(1, [row, { ...row, updateId: undefined }], {}, 0);
    expect(transfer.map((buffer) => buffer.byteLength)).toEqual([3 + 16 + 3]);
    // What structured clone copies besides the transferred buffer: small, whatever the chunk.
    expect(serialize({ ...request, bytes: null }).byteLength).toBeLessThan(1024);
    const { rows } = unpackCommit(request);
    expect(rows.map((r) => [...r.data])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(rows[0]!.updateId && [...rows[0]!.updateId]).toEqual(new Array(16).fill(9));
    expect(rows[1]).not.toHaveProperty('updateId');
    expect(rows[0]).toMatchObject({ docId: 'u:someone', userId: 'someone', newClients: [42] });
  });
});
