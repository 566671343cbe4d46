/** A piece of a message's text: plain text, or a link that is safe to open. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/**
 * A link written out (`https://…`), or a bare `www.` host as people type them. A `www.` only
 * counts at the start of a word, so `foo.www.bar` or `me@www.x.org` stay text.
 */
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"]+|(?<![\p{L}\p{N}_.@/:-])www\.[^\s<>"]+/giu;
/** A bare host must have a name and a domain after `www.` to be taken for a link. */
const BARE_HOST = /^www\.[^.]+\.[^.]+/iu;
/** Punctuation that ends a sentence rather than the link ("see https://x.org."). */
const TRAILING = /[.,!?;:'")\]]+$/u;

/** Only http(s) becomes a link; the href is the parsed URL, never the raw text. */
function safeHref(candidate: string): string | undefined {
  const bare = /^www\./iu.test(candidate);
  try {
    // A bare host is opened over https, as browsers' address bars do.
    const url = new URL(bare ? `https://${candidate}` : candidate);
    if (bare && !BARE_HOST.test(url.hostname)) return undefined;
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Splits text into plain parts and http(s) links (bare `www.` hosts become https links). */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    let candidate = match[0];
    // Keep a closing parenthesis that belongs to the URL (Wikipedia links).
    const trailing = TRAILING.exec(candidate)?.[0] ?? '';
    let cut = trailing.length;
    if (trailing.startsWith(')') && candidate.includes('(')) cut = trailing.length - 1;
    candidate = candidate.slice(0, candidate.length - cut);
    const href = safeHref(candidate);
    const start = match.index;
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

const PICTOGRAPH =
  /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3|[#*0-9]\ufe0f?\u20e3)+$/u;
/** Up to this many emoji alone show large, as in other messengers. */
const MAX_LARGE_EMOJI = 6;

/** True for a message of only a few emoji (shown larger). */
export function isEmojiOnly(text: string): boolean {
  const compact = text.replace(/\s+/gu, '');
  if (
    compact === '' ||
    !PICTOGRAPH.test(compact) ||
    !/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(compact)
  )
    return false;
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(compact)];
  return graphemes.length <= MAX_LARGE_EMOJI;
}

/** A one-line excerpt of a message (reply previews). */
export function excerpt(text: string, max = 120): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
}
