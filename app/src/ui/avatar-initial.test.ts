import { describe, expect, it } from 'vitest';
import { initialOf } from './Avatar.tsx';

describe('initialOf', () => {
  it('takes the first whole grapheme of the name, upper-cased', () => {
    expect(initialOf('ann')).toBe('A');
    expect(initialOf('  bo')).toBe('B');
    expect(initialOf('x')).toBe('X');
    expect(initialOf('émile')).toBe('É');
    // An accent written as a combining mark stays with its letter.
    expect(initialOf('e\u0301mile')).toBe('E\u0301');
    expect(initialOf('👩‍👩‍👧 family')).toBe('👩‍👩‍👧');
    expect(initialOf('   ')).toBe('?');
  });
});
