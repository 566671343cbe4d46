/**
 * How text becomes search tokens, the same for what is indexed and what is asked. Words come
 * from `Intl.Segmenter` (ICU: it separates words in scripts written without spaces, such as
 * Thai). Chinese and Japanese are indexed as single characters and overlapping pairs of
 * characters instead (the CJK bigrams of Lucene's `CJKBigramFilter`): the segmenter's words
 * depend on its dictionary, so "東京" inside "東京都" may never be a word of its own, while every
 * piece of two characters or more is a run of pairs, and one character is a single.
 */

/** Han, Hiragana, Katakana and Hangul: scripts written without spaces between words. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+/gu;
/** Latin accents are dropped ("café" finds "cafe"); kana voicing marks are not (が is not か). */
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu;

let segmenter: Intl.Segmenter | undefined;
function words(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  const out: string[] = [];
  for (const part of segmenter.segment(text)) if (part.isWordLike) out.push(part.segment);
  return out;
}

/** Lower case, compatibility forms folded (full-width Latin, half-width kana), Latin accents dropped. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFD').replace(LATIN_MARKS, '$1').normalize('NFC');
}

export const isCjk = (token: string): boolean => CJK.test(token);

function cjkGrams(run: string, into: Set<string>): void {
  const chars = [...run];
  for (let i = 0; i < chars.length; i++) {
    into.add(chars[i]!);
    if (i + 1 < chars.length) into.add(chars[i]! + chars[i + 1]!);
  }
}

/** The distinct tokens a text is indexed under: its words, and CJK singles and pairs. */
export function tokensOf(text: string): string[] {
  const out = new Set<string>();
  const clean = normalize(text);
  for (const word of words(clean.replace(CJK_RUN, ' '))) out.add(word);
  for (const run of clean.match(CJK_RUN) ?? []) cjkGrams(run, out);
  return [...out];
}

/**
 * What a query asks for: `words` must each start a token of the message (typing "hel" finds
 * "hello"); `cjk` runs must each appear in the message's text as they are, looked up through
 * their pairs of characters (`grams`) and then checked against the text.
 */
export interface QueryTerms {
  words: string[];
  cjk: string[];
  /** Tokens that must all be present exactly: the CJK runs' pairs (or single characters). */
  grams: string[];
}

export function queryTerms(query: string): QueryTerms {
  const clean = normalize(query);
  const cjk = clean.match(CJK_RUN) ?? [];
  const grams = new Set<string>();
  for (const run of cjk) {
    const chars = [...run];
    if (chars.length === 1) grams.add(run);
    for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  }
  return {
    words: [...new Set(words(clean.replace(CJK_RUN, ' ')))],
    cjk: [...new Set(cjk)],
    grams: [...grams],
  };
}

export const isEmptyQuery = (terms: QueryTerms): boolean =>
  terms.words.length === 0 && terms.cjk.length === 0;
