/**
 * Conditional and partial downloads of a blob (RFC 9110 §13, §14): which bytes a `Range`
 * header asks for, and whether an `If-None-Match` / `If-Range` names the blob's entity tag.
 * Pure: the route turns the answers into 206, 304 and 416 responses.
 */

/** The bytes to send, both ends included (`Content-Range: bytes start-end/size`). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * What a `Range` header asks of a resource of `size` bytes:
 * - `whole`: no header, or a unit other than bytes (which RFC 9110 §14.2 says to ignore);
 * - `range`: one satisfiable range, its end clamped to the last byte;
 * - `refused`: a bytes range we cannot send, with a sentence saying why — malformed, several
 *   ranges (one is what a resuming download or a media element asks for; several would be a
 *   multipart answer nobody here needs), or starting at or past the end.
 */
export type RangeRequest =
  { kind: 'whole' } | { kind: 'range'; range: ByteRange } | { kind: 'refused'; reason: string };

/** Longer headers are refused unread: a single range fits in far less. */
const MAX_RANGE_HEADER = 100;

export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'whole' };
  const value = header.trim();
  const unit = /^([A-Za-z][\w-]*)=/.exec(value)?.[1];
  if (unit === undefined || unit.toLowerCase() !== 'bytes') {
    // Not a bytes range at all: a header of another unit is ignored, garbage is refused.
    return unit === undefined
      ? { kind: 'refused', reason: 'Range must be bytes=<first>-<last>' }
      : { kind: 'whole' };
  }
  if (value.length > MAX_RANGE_HEADER) return { kind: 'refused', reason: 'Range is too long for one range' };
  const spec = value.slice(unit.length + 1).trim();
  if (spec.includes(',')) return { kind: 'refused', reason: 'Only one range may be asked for at a time' };
  const match = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
  if (!match || (match[1] === '' && match[2] === ''))
    return {
      kind: 'refused',
      reason: 'Range must be bytes=<first>-<last>, bytes=<first>- or bytes=-<count>',
    };
  const [, first, last] = match;
  if (first === '') {
    // A suffix: the last <count> bytes (all of them when it is more than the size).
    const count = Number(last);
    if (count === 0 || size === 0)
      return { kind: 'refused', reason: 'The range asks for no bytes of this file' };
    return { kind: 'range', range: { start: Math.max(0, size - count), end: size - 1 } };
  }
  // Digits beyond 2^53 lose precision as numbers, but only in comparisons with `size`, which
  // they exceed either way: a huge first byte is past the end, a huge last byte is clamped.
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (start >= size)
    return { kind: 'refused', reason: `The range starts past the end of the file (${size} bytes)` };
  if (end < start) return { kind: 'refused', reason: 'The range ends before it starts' };
  return { kind: 'range', range: { start, end: Math.min(end, size - 1) } };
}

// The blob's entity tag is defined once, with the route, in shared/ (the app sends it as If-Range).
export { blobEtag } from '@messenjo/shared';

/**
 * Does an `If-None-Match` list name this tag (RFC 9110 §13.1.2: weak comparison, `*` matches
 * any current representation)?
 */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * Does `If-Range` allow the range (RFC 9110 §13.1.5)? Only a strong match of our tag does; a
 * date or another tag means the device's partial copy is of something else: send it all.
 */
export function ifRangeAllows(header: string | undefined, etag: string): boolean {
  return header === undefined || header.trim() === etag;
}
