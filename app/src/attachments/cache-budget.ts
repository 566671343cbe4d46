/**
 * How much of the downloaded attachments a device keeps (docs/attachments.md, "On the device"):
 * the budget the person picks in settings, and which cached files to drop when the cache is over
 * it — the least recently opened first. Pure, so unit-tested in Node; blob-cache.ts applies it to
 * Cache Storage. The person's unsent uploads are not in this cache (the outbox keeps them in its
 * own database), so no budget can ever drop them.
 */

/** The budgets offered in settings, in bytes (powers of 1,000, as formatBytes shows them). */
export const CACHE_BUDGET_CHOICES_BYTES = [100e6, 500e6, 1e9, 5e9] as const;
export const DEFAULT_CACHE_BUDGET_BYTES = 500e6;

/** One cached blob as the budget sees it: its key in the cache, its bytes, when it was last opened. */
export interface CachedBlob {
  path: string;
  bytes: number;
  /** Milliseconds since the epoch; 0 when not known (it is then dropped first). */
  openedAt: number;
}

/** The bytes the cache holds. */
export function cachedBytes(entries: readonly CachedBlob[]): number {
  return entries.reduce((sum, entry) => sum + entry.bytes, 0);
}

/**
 * The paths to drop so the cache fits within `budgetBytes`: the least recently opened first
 * (ties by path, so every tab picks the same), and no more than needed.
 */
export function evictionPlan(entries: readonly CachedBlob[], budgetBytes: number): string[] {
  let total = cachedBytes(entries);
  if (total <= budgetBytes) return [];
  const oldestFirst = [...entries].sort(
    (a, b) => a.openedAt - b.openedAt || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const dropped: string[] = [];
  for (const entry of oldestFirst) {
    if (total <= budgetBytes) break;
    dropped.push(entry.path);
    total -= entry.bytes;
  }
  return dropped;
}

/**
 * How long pieces of an unfinished download are kept once nothing is added to them: a week.
 * Long enough for a trip without network (the person asks for the file again when back, and it
 * resumes); after it, the download is likely never asked for again (its message deleted, the
 * conversation left), and the pieces would otherwise stay until the budget pushes them out.
 */
export const PARTIAL_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The pieces to drop because their download was not continued for `maxAgeMs`: every piece of a
 * blob whose newest piece is older (one piece without the others would only be a gap). `blobOf`
 * says which blob a path is a piece of (undefined: a whole file, never dropped here).
 */
export function stalePieces(
  entries: readonly CachedBlob[],
  blobOf: (path: string) => string | undefined,
  now: number,
  maxAgeMs = PARTIAL_MAX_AGE_MS,
): string[] {
  const newest = new Map<string, number>();
  for (const entry of entries) {
    const blob = blobOf(entry.path);
    if (blob !== undefined) newest.set(blob, Math.max(newest.get(blob) ?? 0, entry.openedAt));
  }
  return entries
    .filter((entry) => {
      const blob = blobOf(entry.path);
      return blob !== undefined && (newest.get(blob) ?? 0) < now - maxAgeMs;
    })
    .map((entry) => entry.path);
}

const budgetKey = (userId: string): string => `messenjo-blob-budget-${userId}`;

/** A stored budget, or the default for a missing or unknown value (an older or tampered one). */
export function parseBudget(raw: string | null): number {
  const value = Number(raw);
  return (CACHE_BUDGET_CHOICES_BYTES as readonly number[]).includes(value)
    ? value
    : DEFAULT_CACHE_BUDGET_BYTES;
}

/** The budget this person chose on this device (a device setting: each device has its own space). */
export function readBudget(userId: string, storage: Storage | undefined = globalThis.localStorage): number {
  try {
    return parseBudget(storage?.getItem(budgetKey(userId)) ?? null);
  } catch {
    return DEFAULT_CACHE_BUDGET_BYTES; // storage blocked: the default
  }
}

export function writeBudget(
  userId: string,
  bytes: number,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  storage?.setItem(budgetKey(userId), String(parseBudget(String(bytes))));
}
