import { describe, expect, it } from 'vitest';
import { RecentUpdateIds } from './recent-update-ids.ts';

const id = (n: number): Uint8Array => new Uint8Array(16).fill(n);

describe('RecentUpdateIds (SEQ4)', () => {
  it('knows the ids it took, by their bytes, and forgets the oldest past its capacity', () => {
    const recent = new RecentUpdateIds(2);
    recent.add(id(1));
    expect(recent.has(new Uint8Array(id(1)))).toBe(true);
    expect(recent.has(id(2))).toBe(false);
    recent.add(id(2));
    recent.add(id(3));
    expect([1, 2, 3].map((n) => recent.has(id(n)))).toEqual([false, true, true]);
  });

  it('reads an id inside a larger buffer (a frame) by its own bytes only', () => {
    const recent = new RecentUpdateIds();
    const frame = new Uint8Array(40).fill(9);
    frame.set(id(5), 8);
    recent.add(frame.subarray(8, 24));
    expect(recent.has(id(5))).toBe(true);
  });
});
