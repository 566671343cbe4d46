import { describe, expect, it } from 'vitest';
import { blobEtag, ifRangeAllows, noneMatchHits, parseRange } from './byte-range.ts';

const SIZE = 1000;

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=500-', { start: 500, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=990-5000', { start: 990, end: 999 }],
    ['bytes=999-999', { start: 999, end: 999 }],
    ['bytes=0-99999999999999999999999999', { start: 0, end: 999 }],
    [' BYTES = 10 - 19 '.replace('BYTES = ', 'bytes='), { start: 10, end: 19 }],
  ])('%s asks for %o', (header, range) => {
    expect(parseRange(header, SIZE)).toEqual({ kind: 'range', range });
  });

  it('no header, or another unit, is the whole file', () => {
    expect(parseRange(undefined, SIZE)).toEqual({ kind: 'whole' });
    expect(parseRange('items=0-5', SIZE)).toEqual({ kind: 'whole' });
  });

  it.each([
    ['garbage', /bytes=/],
    ['bytes=', /bytes=<first>-<last>/],
    ['bytes=-', /bytes=<first>-<last>/],
    ['bytes=a-b', /bytes=<first>-<last>/],
    ['bytes=1-2-3', /bytes=<first>-<last>/],
    ['bytes=0-1,5-9', /one range/],
    ['bytes=20-10', /ends before it starts/],
    ['bytes=1000-', /past the end of the file \(1000 bytes\)/],
    ['bytes=99999999999999999999999-', /past the end/],
    ['bytes=-0', /no bytes/],
    [`bytes=0-${'9'.repeat(200)}`, /too long/],
  ])('%s is refused', (header, reason) => {
    const answer = parseRange(header, SIZE);
    expect(answer.kind).toBe('refused');
    expect(answer.kind === 'refused' && answer.reason).toMatch(reason);
  });

  it('an empty blob has no range to give', () => {
    expect(parseRange('bytes=0-', 0).kind).toBe('refused');
    expect(parseRange('bytes=-1', 0).kind).toBe('refused');
  });
});

describe('entity tags', () => {
  const etag = blobEtag('ab'.repeat(32));

  it('If-None-Match hits the blob tag, weak or strong, in a list, or *', () => {
    expect(noneMatchHits(etag, etag)).toBe(true);
    expect(noneMatchHits(`"x", W/${etag}`, etag)).toBe(true);
    expect(noneMatchHits('*', etag)).toBe(true);
    expect(noneMatchHits('"x"', etag)).toBe(false);
    expect(noneMatchHits(undefined, etag)).toBe(false);
  });

  it('If-Range allows the range only for the strong tag', () => {
    expect(ifRangeAllows(undefined, etag)).toBe(true);
    expect(ifRangeAllows(etag, etag)).toBe(true);
    expect(ifRangeAllows(`W/${etag}`, etag)).toBe(false);
    expect(ifRangeAllows('Sat, 05 Dec 2026 10:00:00 GMT', etag)).toBe(false);
  });
});
