import { evictionPlan, readBudget, type CachedBlob } from './cache-budget.ts';
import { blobCacheName } from './db-name.ts';

/**
 * The device's cache of downloaded ciphertext (docs/attachments.md, "On the device"): Cache
 * Storage `messenjo-blobs-<user id>`, within the budget the person chose (cache-budget.ts).
 * Beside the blobs the same cache keeps an index of their sizes and when each was last opened,
 * so sign-out deletes both at once; a blob the index misses (two tabs writing at once) still
 * counts, with its size read from the cache, as opened long ago. Browsers without Cache Storage
 * (some private windows) keep nothing and fetch each time.
 */

const INDEX_PATH = '/__messenjo/blob-index';

type BlobIndex = Record<string, { bytes: number; openedAt: number }>;

export interface BlobCacheUsage {
  bytes: number;
  files: number;
}

// The index is read, changed and written back: one change at a time in this tab.
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

async function openCache(userId: string): Promise<Cache | undefined> {
  if (typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(blobCacheName(userId));
  } catch {
    return undefined;
  }
}

async function readIndex(cache: Cache): Promise<BlobIndex> {
  try {
    const stored: unknown = await (await cache.match(INDEX_PATH))?.json();
    return typeof stored === 'object' && stored !== null ? (stored as BlobIndex) : {};
  } catch {
    return {}; // unreadable: rebuilt from the cache's own keys below
  }
}

/** What the cache holds, by the index where it knows, else by the cache itself. */
async function entriesOf(cache: Cache, index: BlobIndex): Promise<CachedBlob[]> {
  const entries: CachedBlob[] = [];
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path === INDEX_PATH) continue;
    const known = index[path];
    if (known && Number.isFinite(known.bytes) && Number.isFinite(known.openedAt))
      entries.push({ path, bytes: known.bytes, openedAt: known.openedAt });
    else {
      const response = await cache.match(request);
      entries.push({ path, bytes: response ? (await response.blob()).size : 0, openedAt: 0 });
    }
  }
  return entries;
}

async function writeIndex(cache: Cache, index: BlobIndex): Promise<void> {
  await cache.put(
    INDEX_PATH,
    new Response(JSON.stringify(index), { headers: { 'Content-Type': 'application/json' } }),
  );
}

/** Drops the least recently opened blobs until the cache fits the budget; writes the index. */
async function settle(cache: Cache, entries: CachedBlob[], budgetBytes: number): Promise<BlobCacheUsage> {
  const dropped = new Set(evictionPlan(entries, budgetBytes));
  for (const path of dropped) await cache.delete(path);
  const kept = entries.filter((entry) => !dropped.has(entry.path));
  const index: BlobIndex = {};
  for (const entry of kept) index[entry.path] = { bytes: entry.bytes, openedAt: entry.openedAt };
  await writeIndex(cache, index);
  return { bytes: kept.reduce((sum, entry) => sum + entry.bytes, 0), files: kept.length };
}

/** A cached blob's ciphertext, marked as opened now; undefined when the device does not have it. */
export async function cachedCiphertext(userId: string, path: string): Promise<Blob | undefined> {
  const cache = await openCache(userId);
  if (!cache) return undefined;
  try {
    const hit = await cache.match(path);
    if (!hit) return undefined;
    const ciphertext = await hit.blob();
    void oneAtATime(async () => {
      const index = await readIndex(cache);
      index[path] = { bytes: ciphertext.size, openedAt: Date.now() };
      await writeIndex(cache, index);
    }).catch(() => {}); // the order of eviction may be a little off; the file itself is fine
    return ciphertext;
  } catch {
    return undefined; // fetched instead
  }
}

/** Keeps a fetched blob (unless it alone is over the budget), then drops the oldest past the budget. */
export async function keepCiphertext(userId: string, path: string, ciphertext: Blob): Promise<void> {
  const cache = await openCache(userId);
  if (!cache) return;
  const budgetBytes = readBudget(userId);
  if (ciphertext.size > budgetBytes) return;
  await oneAtATime(async () => {
    await cache.put(
      path,
      new Response(ciphertext, { headers: { 'Content-Type': 'application/octet-stream' } }),
    );
    const entries = await entriesOf(cache, await readIndex(cache));
    const opened = entries.find((entry) => entry.path === path);
    if (opened) opened.openedAt = Date.now();
    await settle(cache, entries, budgetBytes);
  }).catch((error: unknown) => console.warn('attachment not cached', error)); // quota: fetched again next time
}

/** What the cache holds now, after fitting it to the current budget (a lower one drops files at once). */
export async function fitCacheToBudget(userId: string): Promise<BlobCacheUsage> {
  const cache = await openCache(userId);
  if (!cache) return { bytes: 0, files: 0 };
  return oneAtATime(async () =>
    settle(cache, await entriesOf(cache, await readIndex(cache)), readBudget(userId)),
  );
}
