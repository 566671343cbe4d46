import { describe, expect, it } from 'vitest';
import { applyTemplate, learnTemplate } from './time-template.ts';

const OPTIONS: Intl.DateTimeFormatOptions[] = [
  { hour: '2-digit', minute: '2-digit' },
  { weekday: 'short' },
  { weekday: 'long' },
  { year: 'numeric', month: '2-digit', day: '2-digit' },
  { day: 'numeric', month: 'long' },
  { day: 'numeric', month: 'long', year: 'numeric' },
  { dateStyle: 'full', timeStyle: 'short' },
];

/** Times over two years at odd minutes, so every hour, weekday, month and day length comes up. */
const times = Array.from({ length: 2000 }, (_, i) => new Date(2025, 0, 1).getTime() + i * 9_301_337);

describe('date formats learned from Intl', () => {
  for (const locale of [
    'en-US',
    'en-GB',
    'de-DE',
    'fr-FR',
    'ja-JP',
    'ko-KR',
    'es-ES',
    'hi-IN',
    'ar-EG',
    'fa-IR',
    'th-TH-u-ca-buddhist',
  ])
    it(`write exactly what Intl writes, or are left to Intl (${locale})`, () => {
      for (const options of OPTIONS) {
        const format = new Intl.DateTimeFormat(locale, options);
        const template = learnTemplate(format);
        if (template === null) continue;
        for (const at of times) expect(applyTemplate(template, at)).toBe(format.format(at));
      }
    });

  it('follows the common formats of English and German', () => {
    expect(
      learnTemplate(new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit' })),
    ).not.toBeNull();
    expect(
      learnTemplate(new Intl.DateTimeFormat('de-DE', { dateStyle: 'full', timeStyle: 'short' })),
    ).not.toBeNull();
  });

  it('leaves other digits and calendars to Intl', () => {
    expect(
      learnTemplate(new Intl.DateTimeFormat('ar-EG', { hour: '2-digit', minute: '2-digit' })),
    ).toBeNull();
    expect(learnTemplate(new Intl.DateTimeFormat('th-TH-u-ca-buddhist', { year: 'numeric' }))).toBeNull();
  });
});
