/**
 * Dates formatted like `Intl.DateTimeFormat` without touching Intl on the way to the first paint.
 * The first Intl object a page makes loads the locale data: 15–50 ms of a cold start measured in
 * Chromium (W12, W6), before the list can show a single time. So the shape of each format the
 * first screens use is learned from Intl once the page is idle (its parts, the names of weekdays,
 * months and day periods), kept only when it reproduces Intl's own output for every sample
 * (a locale the template cannot follow keeps using Intl), and stored for the next start.
 */

/** One piece of a format: a field with how it is written, or fixed text. */
type Piece =
  | { literal: string }
  | { field: 'year' | 'day' | 'minute' | 'second'; twoDigit: boolean }
  | { field: 'month'; twoDigit: boolean; names?: string[] }
  | { field: 'weekday'; names: string[] }
  | { field: 'hour'; twoDigit: boolean; cycle: 'h11' | 'h12' | 'h23' | 'h24' }
  | { field: 'dayPeriod'; names: [string, string] };

export interface Template {
  pieces: Piece[];
}

const pad = (n: number, two: boolean): string => (two && n < 10 ? `0${n}` : String(n));

/** Formats `at` (local time) with a learned template. */
export function applyTemplate(template: Template, at: number): string {
  const d = new Date(at);
  let out = '';
  for (const piece of template.pieces) {
    if ('literal' in piece) {
      out += piece.literal;
      continue;
    }
    switch (piece.field) {
      case 'year':
        out += piece.twoDigit ? pad(d.getFullYear() % 100, true) : String(d.getFullYear());
        break;
      case 'month':
        out += piece.names ? piece.names[d.getMonth()] : pad(d.getMonth() + 1, piece.twoDigit);
        break;
      case 'day':
        out += pad(d.getDate(), piece.twoDigit);
        break;
      case 'weekday':
        out += piece.names[d.getDay()];
        break;
      case 'hour': {
        const h = d.getHours();
        const shown =
          piece.cycle === 'h23'
            ? h
            : piece.cycle === 'h24'
              ? h || 24
              : piece.cycle === 'h11'
                ? h % 12
                : h % 12 || 12;
        out += pad(shown, piece.twoDigit);
        break;
      }
      case 'minute':
        out += pad(d.getMinutes(), piece.twoDigit);
        break;
      case 'second':
        out += pad(d.getSeconds(), piece.twoDigit);
        break;
      case 'dayPeriod':
        out += piece.names[d.getHours() < 12 ? 0 : 1];
        break;
    }
  }
  return out;
}

/** Samples a template must reproduce: every hour, every weekday and month, one- and two-digit days. */
function samples(): number[] {
  const out: number[] = [];
  for (let month = 0; month < 12; month++)
    for (const day of [1, 9, 12, 28])
      for (const hour of [0, 1, 9, 11, 12, 13, 21, 23])
        out.push(new Date(2026, month, day, hour, 5, 7).getTime());
  for (let day = 1; day <= 7; day++) out.push(new Date(2027, 2, day, 10, 30).getTime());
  return out;
}

/** Learns the template of `format`, or null when it cannot reproduce Intl's output exactly. */
export function learnTemplate(format: Intl.DateTimeFormat): Template | null {
  const resolved = format.resolvedOptions();
  // Other digits or calendars than the Western ones: left to Intl.
  if (resolved.numberingSystem !== 'latn' || resolved.calendar !== 'gregory') return null;
  const names = (field: Intl.DateTimeFormatPartTypes, dates: Date[]): string[] =>
    dates.map((d) => format.formatToParts(d).find((p) => p.type === field)?.value ?? '');
  const weekdays = names(
    'weekday',
    Array.from({ length: 7 }, (_, i) => new Date(2027, 2, 7 + i, 12)),
  );
  const months = names(
    'month',
    Array.from({ length: 12 }, (_, i) => new Date(2026, i, 12, 12)),
  );
  const periods = names('dayPeriod', [new Date(2026, 0, 12, 9), new Date(2026, 0, 12, 15)]);
  const pieces: Piece[] = [];
  // One-digit month, day, hour, minute and second: a field written with two digits shows it.
  for (const part of format.formatToParts(new Date(2026, 1, 3, 3, 5, 7))) {
    const twoDigit = part.value.length === 2;
    switch (part.type) {
      case 'literal':
        pieces.push({ literal: part.value });
        break;
      case 'year':
        pieces.push({ field: 'year', twoDigit });
        break;
      case 'month':
        pieces.push(
          /^\d+$/.test(part.value)
            ? { field: 'month', twoDigit }
            : { field: 'month', twoDigit: false, names: months },
        );
        break;
      case 'day':
      case 'minute':
      case 'second':
        pieces.push({ field: part.type, twoDigit });
        break;
      case 'weekday':
        pieces.push({ field: 'weekday', names: weekdays });
        break;
      case 'hour':
        pieces.push({ field: 'hour', twoDigit, cycle: resolved.hourCycle ?? 'h23' });
        break;
      case 'dayPeriod':
        pieces.push({ field: 'dayPeriod', names: [periods[0] ?? '', periods[1] ?? ''] });
        break;
      default:
        // Eras, time zone names, flexible day periods, …: not followed.
        return null;
    }
  }
  // Browsers write the narrow no-break space of `formatToParts` as a plain one in `format`
  // (Chromium, Node): the template writes what `format` writes.
  const plain: Piece[] = pieces.map((p) =>
    'literal' in p ? { literal: p.literal.replace(/\u202f/g, ' ') } : p,
  );
  const all = samples();
  for (const candidate of [pieces, plain]) {
    const template: Template = { pieces: candidate };
    if (all.every((at) => applyTemplate(template, at) === format.format(at))) return template;
  }
  return null;
}
