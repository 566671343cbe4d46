import { formatTime } from '../ui/format-time.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** A local calendar day, for grouping ("2026-11-30"). */
export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The day separator: "Today", "Yesterday", a weekday within the week, else the date (year when not this one). */
export function dayLabel(at: number, now: number = Date.now()): string {
  const today = startOfDay(now);
  const day = startOfDay(at);
  if (day === today) return 'Today';
  // Days differ by 23–25 h across a clock change: round.
  const daysAgo = Math.round((today - day) / DAY_MS);
  if (daysAgo === 1) return 'Yesterday';
  const date = new Date(at);
  if (daysAgo > 1 && daysAgo < 7) return formatTime(at, { weekday: 'long' });
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return formatTime(
    at,
    sameYear ? { day: 'numeric', month: 'long' } : { day: 'numeric', month: 'long', year: 'numeric' },
  );
}

/** The time beside a message (hh:mm in the person's locale). */
export function timeLabel(at: number): string {
  return formatTime(at, { hour: '2-digit', minute: '2-digit' });
}

/** Full date and time, for a tooltip. */
export function fullTimeLabel(at: number): string {
  return formatTime(at, { dateStyle: 'full', timeStyle: 'short' });
}
