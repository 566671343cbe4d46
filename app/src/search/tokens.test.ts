import { describe, expect, it } from 'vitest';
import { snippet } from './snippet.ts';
import { queryTerms, tokensOf } from './tokens.ts';

describe('search tokens', () => {
  it('splits words, lower-cases and drops Latin accents but not kana voicing', () => {
    expect(tokensOf('Café au LAIT, s’il vous plaît!')).toEqual(
      expect.arrayContaining(['cafe', 'au', 'lait', 'plait']),
    );
    expect(tokensOf('が')).toEqual(['が']);
    expect(tokensOf('ＡＢＣ ｶﾀｶﾅ')).toEqual(expect.arrayContaining(['abc', 'カ', 'カタ']));
  });

  it('indexes Chinese and Japanese as single characters and pairs, and asks by pairs', () => {
    expect(tokensOf('東京都')).toEqual(expect.arrayContaining(['東', '京', '都', '東京', '京都']));
    expect(queryTerms('東京都 weather')).toEqual({
      words: ['weather'],
      cjk: ['東京都'],
      grams: ['東京', '京都'],
    });
    expect(queryTerms('書').grams).toEqual(['書']);
  });
});

describe('result snippets', () => {
  it('marks the matches and cuts a long text around the first one', () => {
    expect(snippet('hello world', [[6, 11]])).toEqual([
      { text: 'hello ', match: false },
      { text: 'world', match: true },
    ]);
    const long = `${'filler words '.repeat(20)}the needle is here ${'and more text '.repeat(20)}`;
    const at = long.indexOf('needle');
    const parts = snippet(long, [[at, at + 6]]);
    expect(parts[0]).toEqual({ text: '…', match: false });
    expect(parts.find((p) => p.match)?.text).toBe('needle');
    expect(parts.at(-1)).toEqual({ text: '…', match: false });
  });
});
