import type { PictureUrls } from '@messenjo/shared';

/** A stable hue from an id, so a person keeps their colour on every device. */
export function hueOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % 360;
}

/** Made once, and only for names that need it: the first one loads the browser's break rules (~20 ms). */
let graphemes: Intl.Segmenter | null = null;

/** Two printable ASCII characters (or one alone) never form one grapheme together. */
const plainStart = /^[\x21-\x7e](?:[\x20-\x7e]|$)/;

/** First letter (a whole grapheme: emoji and accents included) of a name, upper-cased. */
export function initialOf(name: string): string {
  const trimmed = name.trim();
  if (plainStart.test(trimmed)) return trimmed[0]!.toLocaleUpperCase();
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const first = graphemes.segment(trimmed).containing(0)?.segment ?? '?';
  return first.toLocaleUpperCase();
}

/** A picture when there is one, otherwise the initial on the id's colour. */
export function Avatar(props: { id: string; name: string; picture: PictureUrls | null; size?: number }) {
  const size = props.size ?? 44;
  if (props.picture) {
    return (
      <img
        src={size > 64 ? props.picture.large : props.picture.small}
        alt=""
        width={size}
        height={size}
        className="shrink-0 rounded-full object-cover"
        style={{ width: size, height: size }}
      />
    );
  }
  return (
    <span
      aria-hidden="true"
      className="flex shrink-0 items-center justify-center rounded-full font-semibold text-white select-none"
      style={{
        width: size,
        height: size,
        // Dark enough for white text (4.5:1) at every hue, yellow included.
        backgroundColor: `hsl(${hueOf(props.id)} 55% 32%)`,
        fontSize: size * 0.42,
      }}
    >
      {initialOf(props.name || '?')}
    </span>
  );
}
