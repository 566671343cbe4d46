import { describe, expect, it } from 'vitest';
import { excerpt, isEmojiOnly, splitLinks } from './message-text.ts';

describe('links in message text', () => {
  it('makes http and https links, leaving sentence punctuation outside', () => {
    expect(splitLinks('see https://example.org/a?b=1. ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: '. ok' },
    ]);
    expect(splitLinks('(http://x.org/wiki/A_(b))')[1]).toEqual({
      kind: 'link',
      text: 'http://x.org/wiki/A_(b)',
      href: 'http://x.org/wiki/A_(b)',
    });
  });

  it('never links other schemes, and keeps all text', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://x.org', '<a href="x">y</a>'])
      expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
    expect(splitLinks('https:// nothing')).toEqual([{ kind: 'text', text: 'https:// nothing' }]);
  });
});

describe('bare www. hosts', () => {
  it('become https links, keeping the text as written and sentence punctuation outside', () => {
    expect(splitLinks('go to www.example.com.')).toEqual([
      { kind: 'text', text: 'go to ' },
      { kind: 'link', text: 'www.example.com', href: 'https://www.example.com/' },
      { kind: 'text', text: '.' },
    ]);
    expect(splitLinks('(WWW.Example.org/a?b=1)')[1]).toEqual({
      kind: 'link',
      text: 'WWW.Example.org/a?b=1',
      href: 'https://www.example.org/a?b=1',
    });
    // Inside a written-out link it is one link, not two.
    expect(splitLinks('http://www.example.com/x')).toEqual([
      { kind: 'link', text: 'http://www.example.com/x', href: 'http://www.example.com/x' },
    ]);
  });

  it('stay text when not at the start of a word or not a full host, and other schemes never link', () => {
    for (const text of [
      'foo.www.bar',
      'foo.www.example.com',
      'me@www.example.com',
      'a/www.example.com',
      'www.',
      'www.example',
      'www.example.',
      'javascript:www.example.com',
    ])
      expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
  });

  it('inside a script or markup only the host itself links, over https, and every character is kept', () => {
    for (const text of ['javascript:alert("www.example.com")', '<a href="www.example.com">y</a>']) {
      const parts = splitLinks(text);
      expect(parts.map((p) => p.text).join('')).toBe(text);
      expect(parts.filter((p) => p.kind === 'link')).toEqual([
        { kind: 'link', text: 'www.example.com', href: 'https://www.example.com/' },
      ]);
      expect(parts[0]).toEqual({ kind: 'text', text: text.slice(0, text.indexOf('www.')) });
    }
  });
});

describe('emoji-only messages', () => {
  it('are a few emoji, with modifiers, flags and joiners', () => {
    for (const text of ['🎉', '👍🏽 👍', '🇫🇷', '👩‍👩‍👧', '❤️']) expect(isEmojiOnly(text)).toBe(true);
  });
  it('are not text, digits or long runs', () => {
    for (const text of ['hi 🎉', '123', '', '   ', '🎉🎉🎉🎉🎉🎉🎉']) expect(isEmojiOnly(text)).toBe(false);
  });
});

it('excerpts a message to one line', () => {
  expect(excerpt('a\n\nb   c')).toBe('a b c');
  expect(excerpt('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
});
