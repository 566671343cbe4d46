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
    // The payloads (3 + 16 + 3 bytes, to 8) and the two rows' numbers, not the chunk they were read from.
    expect(transfer.map((buffer) => buffer.byteLength)).toEqual([24 + 2 * 10 * 8]);
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

describe('a commit packed into one buffer', () => {
  it('[UP3] arrives as it was handed over: rows with and without ids, segments and clients, list columns, snapshots', () => {
    const rows = [
      {
        docId: 'conv:c_1:seg:1',
        data: new Uint8Array([1, 2, 3]),
        userId: 'u_1',
        newClients: [4_294_967_295, 7],
        segment: { conversationId: 'c_1', index: 1 },
        updateId: new Uint8Array(16).fill(5),
      },
      { docId: 'conv:c_1:seg:1', data: new Uint8Array([4]), userId: 'u_2', newClients: [] },
      { docId: 'u:u_2', data: new Uint8Array(0), userId: 'u_2', newClients: [2 ** 53 - 1] },
    ];
    const extras = {
      listColumns: [
        {
          conversationId: 'c_1',
          preview: 'héllo "there" 👋',
          senderId: 'u_2',
          at: 1_765_000_000_123,
          count: 2,
        },
      ],
      snapshots: [{ docId: 'u:u_2', throughSeq: 9, state: new Uint8Array([8, 8]), withRows: true }],
    };
    const { request, transfer } = packCommit(3, rows, extras, 11);
    expect(transfer).toEqual([request.bytes]);
    // Nothing per row crosses as an object: only the distinct strings.
    expect(request.names).toEqual(['conv:c_1:seg:1', 'u_1', 'c_1', 'u_2', 'u:u_2', 'héllo "there" 👋']);
    const copy = structuredClone(request, { transfer });
    expect(unpackCommit(copy)).toEqual({ rows, extras });
  });
});
