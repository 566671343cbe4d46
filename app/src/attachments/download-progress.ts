/**
 * How far each download of a file has come, by blob id, for the attachment to show while it
 * downloads (chat/DownloadProgress.tsx). Whole percents only: a listener hears of a change once
 * per percent, not once per network packet.
 */

const percents = new Map<string, number>();
const listeners = new Map<string, Set<() => void>>();

/** Sets a blob's download to `share` (0–1) of its bytes, or ends it (undefined). */
export function reportProgress(blob: string, share: number | undefined): void {
  const percent = share === undefined ? undefined : Math.min(100, Math.max(0, Math.floor(share * 100)));
  if (percents.get(blob) === percent) return;
  if (percent === undefined) percents.delete(blob);
  else percents.set(blob, percent);
  for (const listener of listeners.get(blob) ?? []) listener();
}

/** The percent of a blob downloaded so far, while it downloads; undefined otherwise. */
export function downloadPercent(blob: string): number | undefined {
  return percents.get(blob);
}

/** Calls `listener` when a blob's percent changes; the returned function stops it. */
export function watchProgress(blob: string, listener: () => void): () => void {
  const set = listeners.get(blob) ?? new Set();
  set.add(listener);
  listeners.set(blob, set);
  return () => {
    set.delete(listener);
    if (set.size === 0 && listeners.get(blob) === set) listeners.delete(blob);
  };
}
