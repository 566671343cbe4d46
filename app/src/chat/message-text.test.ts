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
