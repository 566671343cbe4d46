import { RECONNECT_MAX_DELAY_MS, RECONNECT_MIN_DELAY_MS } from '../constants.ts';

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped at `maxMs` (the
 * visible page's cap unless told), jittered to 50–100%.
 */
export function reconnectDelayMs(
  attempt: number,
  random: () => number = Math.random,
  maxMs: number = RECONNECT_MAX_DELAY_MS,
): number {
  const ceiling = Math.min(maxMs, RECONNECT_MIN_DELAY_MS * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}
