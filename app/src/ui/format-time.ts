const DAY_MS = 24 * 60 * 60 * 1000;

/** The conversation list's time: hh:mm today, "Yesterday", a weekday this week, else the date. */
export function listTime(at: number, now: number = Date.now()): string {
  const date = new Date(at);
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const startOfDay = today.getTime();
  if (at >= startOfDay) return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (at >= startOfDay - DAY_MS) return 'Yesterday';
  if (at >= startOfDay - 6 * DAY_MS) return date.toLocaleDateString(undefined, { weekday: 'short' });
  return date.toLocaleDateString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit' });
}
