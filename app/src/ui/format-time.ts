import { applyTemplate, learnTemplate, type Template } from './time-template.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Formatters made once: `Date.toLocale*String` builds a new Intl.DateTimeFormat on every call,
 * which took 109 ms of a 1.1 s conversation open in a Chromium profile (one per list row and
 * message). The person's locale does not change while the page lives.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
function format(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let made = formats.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(undefined, options);
    formats.set(key, made);
    learnWhenIdle(key, options);
  }
  return made;
}

/** localStorage key of the learned formats (time-template.ts), valid for the browser's languages. */
const TEMPLATES_KEY = 'messenjo.time-templates';

interface StoredTemplates {
  languages: string;
  /** By options; null: the locale's format is left to Intl. */
  templates: Record<string, Template | null>;
}

function languages(): string {
  return typeof navigator === 'undefined' ? '' : navigator.languages.join(',');
}

function readStored(): StoredTemplates {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(TEMPLATES_KEY);
    const stored = raw ? (JSON.parse(raw) as StoredTemplates) : null;
    if (stored && stored.languages === languages()) return stored;
  } catch {
    // Unreadable: learned again.
  }
  return { languages: languages(), templates: {} };
}

let stored: StoredTemplates | null = null;
const toLearn = new Map<string, Intl.DateTimeFormatOptions>();
let learning = false;

/** After the first paint, learns the shape of the formats this start used, for the next start. */
function learnWhenIdle(key: string, options: Intl.DateTimeFormatOptions): void {
  stored ??= readStored();
  if (key in stored.templates || typeof requestIdleCallback !== 'function') return;
  toLearn.set(key, options);
  if (learning) return;
  learning = true;
  requestIdleCallback(() => {
    learning = false;
    const next = (stored ??= readStored());
    for (const [k, o] of toLearn) next.templates[k] = learnTemplate(format(k, o));
    toLearn.clear();
    try {
      localStorage.setItem(TEMPLATES_KEY, JSON.stringify(next));
    } catch {
      // Full or refused: Intl it is, next time too.
    }
  });
}

/**
 * Formats `at` in the person's locale: with the Intl formatter once this page made it, else with
 * the template learned from it on an earlier start (no locale data to load on the first paint).
 */
export function formatTime(at: number, options: Intl.DateTimeFormatOptions): string {
  const key = JSON.stringify(options);
  const made = formats.get(key);
  if (made) return made.format(at);
  stored ??= readStored();
  const template = stored.templates[key];
  return template ? applyTemplate(template, at) : format(key, options).format(at);
}

/** The conversation list's time: hh:mm today, "Yesterday", a weekday this week, else the date. */
export function listTime(at: number, now: number = Date.now()): string {
  const date = new Date(at);
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const startOfDay = today.getTime();
  if (at >= startOfDay) return formatTime(date.getTime(), { hour: '2-digit', minute: '2-digit' });
  if (at >= startOfDay - DAY_MS) return 'Yesterday';
  if (at >= startOfDay - 6 * DAY_MS) return formatTime(at, { weekday: 'short' });
  return formatTime(at, { year: 'numeric', month: '2-digit', day: '2-digit' });
}
