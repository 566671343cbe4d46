import { describe, expect, it } from 'vitest';
import { acceptedEncodings, variantsFor } from './content-encoding.ts';

describe('choosing a precompressed variant', () => {
  it('prefers brotli, then gzip, as the request allows', () => {
    expect(variantsFor('/a/main.js', 'gzip, deflate, br, zstd').map((v) => v.encoding)).toEqual([
      'br',
      'gzip',
    ]);
    expect(variantsFor('/a/main.js', 'gzip').map((v) => v.encoding)).toEqual(['gzip']);
    expect(variantsFor('/a/main.js', undefined)).toEqual([]);
    expect(variantsFor('/a/main.js', 'identity')).toEqual([]);
  });

  it('honours q=0 and the wildcard', () => {
    expect([...acceptedEncodings('br;q=0, gzip;q=0.5')]).toEqual(['gzip']);
    expect([...acceptedEncodings('*')].sort()).toEqual(['br', 'gzip']);
    expect([...acceptedEncodings('*;q=1, br;q=0')]).toEqual(['gzip']);
    expect([...acceptedEncodings('BR ; Q=1')]).toEqual(['br']);
  });

  it('never offers one for files that are compressed already', () => {
    expect(variantsFor('/icon-512.png', 'br, gzip')).toEqual([]);
    expect(variantsFor('/media/x.webp', 'br, gzip')).toEqual([]);
  });
});
