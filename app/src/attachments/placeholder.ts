import { thumbHashToDataURL } from 'thumbhash';
import { fromBase64 } from './file-facts.ts';

/**
 * A picture's ThumbHash as a tiny PNG data URL: the blurred placeholder the timeline shows in the
 * picture's box before its thumbnail is fetched and decrypted. Undefined for a broken hash (the
 * box then stays plain).
 */
export function placeholderUrl(thumbHash: string | undefined): string | undefined {
  if (!thumbHash) return undefined;
  try {
    return thumbHashToDataURL(fromBase64(thumbHash));
  } catch {
    return undefined;
  }
}
