/** A piece of a found message's text, marked where the query matched. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

/** How many characters of context a result shows before its first match. */
const BEFORE_CHARS = 40;
const MAX_CHARS = 160;

/**
 * The part of a long message around its first match (so the match is on screen in the list),
 * split into plain and matched pieces. Cuts are marked with an ellipsis.
 */
export function snippet(text: string, ranges: readonly [number, number][]): SnippetPart[] {
  const first = ranges[0]?.[0] ?? 0;
  let start = Math.max(0, first - BEFORE_CHARS);
  // Never start inside a word when a space is near.
  if (start > 0) {
    const space = text.lastIndexOf(' ', first - 1);
    if (space >= start - 20 && space < first) start = space + 1;
  }
  const end = Math.min(text.length, start + MAX_CHARS);
  const parts: SnippetPart[] = [];
  if (start > 0) parts.push({ text: '…', match: false });
  let at = start;
  for (const [from, to] of ranges) {
    if (to <= at || from >= end) continue;
    const a = Math.max(from, at);
    if (a > at) parts.push({ text: text.slice(at, a), match: false });
    const b = Math.min(to, end);
    parts.push({ text: text.slice(a, b), match: true });
    at = b;
  }
  if (at < end) parts.push({ text: text.slice(at, end), match: false });
  if (end < text.length) parts.push({ text: '…', match: false });
  return parts;
}
