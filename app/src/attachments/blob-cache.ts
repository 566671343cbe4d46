import { evictionPlan, readBudget, stalePieces, type CachedBlob } from './cache-budget.ts';
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
/**
 * Pieces of unfinished downloads, `<prefix><blob id>/<first byte>`, kept so a download cut and
 * then reloaded resumes where it stopped (ranged-download.ts). They count against the budget
 * like any blob (in the index, dropped least recently written first) and go once the blob is
 * whole, when the server no longer answers to what they were part of, or when nothing was added
 * to them for a week (`PARTIAL_MAX_AGE_MS`: a download never asked for again).
 */
const PARTIAL_PREFIX = '/__messenjo/partial/';
const ETAG_HEADER = 'X-Messenjo-ETag';
const partialPrefixOf = (blob: string) => `${PARTIAL_PREFIX}${blob}/`;
/** The blob a piece's path belongs to; undefined for a whole file's path. */
const pieceBlobOf = (path: string): string | undefined =>
  path.startsWith(PARTIAL_PREFIX) ? path.slice(PARTIAL_PREFIX.length).split('/')[0] : undefined;

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

/**
 * Drops the pieces of downloads not continued for a week, then the least recently opened blobs
 * until the cache fits the budget; writes the index.
 */
async function settle(cache: Cache, entries: CachedBlob[], budgetBytes: number): Promise<BlobCacheUsage> {
  const stale = new Set(stalePieces(entries, pieceBlobOf, Date.now()));
  const dropped = new Set([
    ...stale,
    ...evictionPlan(
      entries.filter((entry) => !stale.has(entry.path)),
      budgetBytes,
    ),
  ]);
  for (const path of dropped) await cache.delete(path);
  const kept = entries.filter((entry) => !dropped.has(entry.path));
  const index: BlobIndex = {};
  for (const entry of kept) index[entry.path] = { bytes: entry.bytes, openedAt: entry.openedAt };
  await writeIndex(cache, index);
  return {
    bytes: kept.reduce((sum, entry) => sum + entry.bytes, 0),
    // Files, as the person counts them: pieces of an unfinished download are not one yet.
    files: kept.filter((entry) => !entry.path.startsWith(PARTIAL_PREFIX)).length,
  };
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

/** Deletes a cached blob that turned out bad (it does not decrypt): the next open fetches it again. */
export async function forgetCiphertext(userId: string, path: string): Promise<void> {
  const cache = await openCache(userId);
  if (!cache) return;
  await oneAtATime(async () => {
    await cache.delete(path);
    const index = await readIndex(cache);
    delete index[path];
    await writeIndex(cache, index);
  });
}

/** The paths of a blob's kept pieces, by their first byte, in order. */
async function piecesOf(cache: Cache, blob: string): Promise<{ path: string; offset: number }[]> {
  const prefix = partialPrefixOf(blob);
  const pieces: { path: string; offset: number }[] = [];
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (!path.startsWith(prefix)) continue;
    const offset = Number(path.slice(prefix.length));
    if (Number.isSafeInteger(offset) && offset >= 0) pieces.push({ path, offset });
  }
  return pieces.sort((a, b) => a.offset - b.offset);
}

async function dropPaths(cache: Cache, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  for (const path of paths) await cache.delete(path);
  const index = await readIndex(cache);
  for (const path of paths) delete index[path];
  await writeIndex(cache, index);
}

/**
 * The first bytes of a blob an earlier download kept (in this page or before a reload): its
 * pieces that follow on from byte 0 under this `etag`. A gap, a piece of another tag or one that
 * reaches past the blob's end, and everything after it, is dropped.
 */
export async function partialCiphertext(
  userId: string,
  blob: string,
  etag: string,
  totalBytes: number,
): Promise<Blob | undefined> {
  const cache = await openCache(userId);
  if (!cache) return undefined;
  try {
    return await oneAtATime(async () => {
      const parts: Blob[] = [];
      let next = 0;
      const stale: string[] = [];
      for (const piece of await piecesOf(cache, blob)) {
        const hit = stale.length === 0 && piece.offset === next ? await cache.match(piece.path) : undefined;
        const bytes = hit?.headers.get(ETAG_HEADER) === etag ? await hit.blob() : undefined;
        if (!bytes || next + bytes.size > totalBytes) {
          stale.push(piece.path);
          continue;
        }
        parts.push(bytes);
        next += bytes.size;
      }
      await dropPaths(cache, stale);
      return next > 0 ? new Blob(parts) : undefined;
    });
  } catch {
    return undefined; // fetched from the start
  }
}

/** Keeps one piece of an unfinished download (unless the whole blob would not fit the budget). */
export async function keepPartialPiece(
  userId: string,
  blob: string,
  etag: string,
  totalBytes: number,
  offset: number,
  piece: Blob,
): Promise<void> {
  const cache = await openCache(userId);
  if (!cache) return;
  const budgetBytes = readBudget(userId);
  if (totalBytes > budgetBytes) return;
  const path = `${partialPrefixOf(blob)}${offset}`;
  await oneAtATime(async () => {
    await cache.put(
      path,
      new Response(piece, { headers: { 'Content-Type': 'application/octet-stream', [ETAG_HEADER]: etag } }),
    );
    const entries = await entriesOf(cache, await readIndex(cache));
    const kept = entries.find((entry) => entry.path === path);
    if (kept) kept.openedAt = Date.now();
    await settle(cache, entries, budgetBytes);
  });
}

/** Drops what was kept of a blob's unfinished download: it is whole now, or its pieces are not its own. */
export async function dropPartial(userId: string, blob: string): Promise<void> {
  const cache = await openCache(userId);
  if (!cache) return;
  await oneAtATime(async () =>
    dropPaths(
      cache,
      (await piecesOf(cache, blob)).map((piece) => piece.path),
    ),
  );
}
