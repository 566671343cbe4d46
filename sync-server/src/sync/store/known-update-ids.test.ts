import { describe, expect, it } from 'vitest';
import { KnownUpdateIds, type KnownUpdateIdsSource } from './known-update-ids.ts';

const id = (n: number): Uint8Array => {
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setUint32(0, n, true);
  bytes[15] = 7;
  return bytes;
};

/** A database of stored ids per document, counting its reads. */
function source(stored: Record<string, Uint8Array[]>, committing: Record<string, Uint8Array[]> = {}) {
  const reads: string[] = [];
  const src: KnownUpdateIdsSource = {
    storedIds: (docId, limit) => {
      reads.push(docId);
      return (stored[docId] ?? []).slice(0, limit);
    },
    committing: (docId) => committing[docId] ?? [],
  };
  return { src, reads };
}

describe('KnownUpdateIds', () => {
  it('[SEQ4] says a stored or committing id may be stored, and any other id is not, reading a document once', () => {
    const { src, reads } = source({ a: [id(1), id(2)] }, { a: [id(3)] });
    const known = new KnownUpdateIds(src);
    expect(known.mayHold('a', id(1))).toBe(true);
    expect(known.mayHold('a', id(3))).toBe(true);
    expect(known.mayHold('a', id(4))).toBe(false);
    expect(known.mayHold('b', id(1))).toBe(false);
    expect(reads).toEqual(['a', 'b']);
  });

  it('[SEQ4] holds an id from the moment it is handed to the writer', () => {
    const { src } = source({ a: [] });
    const known = new KnownUpdateIds(src);
    expect(known.mayHold('a', id(5))).toBe(false);
    known.add('a', id(5));
    expect(known.mayHold('a', id(5))).toBe(true);
  });

  it('[SEQ4] leaves a document with more ids than it holds to the database', () => {
    const { src, reads } = source({ big: [id(1), id(2), id(3)], small: [id(1)] });
    const known = new KnownUpdateIds(src, 2);
    expect(known.mayHold('big', id(9))).toBe(true);
    expect(known.mayHold('big', id(9))).toBe(true);
    expect(reads).toEqual(['big']);
    expect(known.mayHold('small', id(9))).toBe(false);
    known.add('small', id(2));
    known.add('small', id(3)); // past the bound: asked of the database from now on
    expect(known.mayHold('small', id(9))).toBe(true);
    expect(known.size).toBe(0);
  });

  it('[SEQ4] drops the least recently asked documents past its total, and reads them again when asked', () => {
    const { src, reads } = source({ a: [id(1), id(2)], b: [id(1), id(2)], c: [id(1), id(2)] });
    const known = new KnownUpdateIds(src, 10, 4);
    known.mayHold('a', id(1));
    known.mayHold('b', id(1));
    known.mayHold('a', id(1)); // a is now the most recent
    known.mayHold('c', id(1)); // b goes
    expect(known.size).toBe(4);
    expect(reads).toEqual(['a', 'b', 'c']);
    expect(known.mayHold('a', id(2))).toBe(true);
    expect(known.mayHold('b', id(2))).toBe(true);
    expect(known.mayHold('b', id(7))).toBe(false);
    expect(reads).toEqual(['a', 'b', 'c', 'b']);
  });
});
