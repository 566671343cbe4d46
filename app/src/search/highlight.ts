import { normalize, type QueryTerms } from './tokens.ts';

let segmenter: Intl.Segmenter | undefined;

/**
 * Where the terms occur in the original text: each word where a word of the text starts with
 * it (compared normalized, so "cafe" marks "Café"), each CJK run where it appears.
 */
export function matchRanges(text: string, terms: QueryTerms): [number, number][] {
  const ranges: [number, number][] = [];
  if (terms.words.length > 0) {
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
    for (const part of segmenter.segment(text)) {
      if (!part.isWordLike) continue;
      const word = normalize(part.segment);
      const hit = terms.words.find((w) => word.startsWith(w));
      if (!hit) continue;
      // The matched prefix in the original: as many characters as the normalized prefix spans.
      let end = part.index;
      while (
        end < part.index + part.segment.length &&
        normalize(text.slice(part.index, end)).length < hit.length
      )
        end++;
      ranges.push([part.index, end]);
    }
  }
  const lower = text.toLowerCase();
  for (const run of terms.cjk) {
    for (let at = lower.indexOf(run); at >= 0; at = lower.indexOf(run, at + run.length))
      ranges.push([at, at + run.length]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}
