/**
 * The last painted screen of a route, kept on the device so the service worker can answer a
 * navigation with it already in the page (sw.ts): the first paint needs no script (issue 15,
 * "first paint in 100 ms"; ARCHITECTURE.md, "App"). The page saves (pwa/snapshot-saver.ts), the
 * service worker reads, the device's wipe deletes (session/local-index/schema.ts).
 *
 * One Cache Storage cache for the device. Entries are keyed by user and route, and a snapshot is
 * served only for the user the `owner` entry names: the page writes it while that user is signed
 * in and removes it when nobody is (main.tsx), so another account, or the sign-in page, never
 * gets it.
 */
export const SCREEN_SNAPSHOTS_CACHE = 'messenjo-screens';
/** Conversations kept beside the list; the oldest saved goes first. */
export const MAX_CONVERSATION_SNAPSHOTS = 5;
/** A screen larger than this (characters of markup and CSS) is not kept: it would slow the answer. */
export const MAX_SNAPSHOT_CHARS = 400_000;

const PREFIX = '/__screen/';
const OWNER_KEY = `${PREFIX}owner`;

export interface ScreenSnapshot {
  /** `#root`'s markup as the page painted it, cleaned (pwa/snapshot-capture.ts). */
  html: string;
  /** The rules standing in for the markup's inline styles (CSP: no inline style attributes). */
  css: string;
  /** The theme it was painted in, so the page paints in it before any script (no flash). */
  dark: boolean;
  savedAt: number;
}

export interface StoredSnapshot extends ScreenSnapshot {
  userId: string;
}

/** The route a snapshot is kept for: the list and conversations; none for the other screens. */
export function snapshotRouteOf(pathname: string): string | null {
  if (pathname === '/' || pathname === '') return '/';
  // A conversation opened at a message (a search result) scrolls there: not the saved screen.
  return /^\/c\/[^/]+$/.test(pathname) ? pathname : null;
}

const userPrefix = (userId: string): string => `${PREFIX}${encodeURIComponent(userId)}/`;
const keyOf = (userId: string, route: string): string =>
  `${userPrefix(userId)}?route=${encodeURIComponent(route)}`;
const pathOfKey = (request: Request): string => new URL(request.url).pathname + new URL(request.url).search;

/** Keeps `snapshot` as `userId`'s screen of `route`, and that user as the one snapshots are served for. */
export async function saveScreenSnapshot(
  userId: string,
  route: string,
  snapshot: ScreenSnapshot,
): Promise<void> {
  if (snapshot.html.length + snapshot.css.length > MAX_SNAPSHOT_CHARS) return;
  const cache = await caches.open(SCREEN_SNAPSHOTS_CACHE);
  await cache.put(OWNER_KEY, new Response(userId));
  await cache.put(
    keyOf(userId, route),
    new Response(JSON.stringify(snapshot), { headers: { 'content-type': 'application/json' } }),
  );
  // Bounded: the list and the newest few conversations.
  const mine = (await cache.keys()).filter((request) => pathOfKey(request).startsWith(userPrefix(userId)));
  const conversations: { request: Request; savedAt: number }[] = [];
  for (const request of mine) {
    if (pathOfKey(request) === keyOf(userId, '/')) continue;
    const kept = (await (await cache.match(request))?.json().catch(() => null)) as ScreenSnapshot | null;
    conversations.push({ request, savedAt: kept?.savedAt ?? 0 });
  }
  conversations.sort((a, b) => b.savedAt - a.savedAt);
  for (const old of conversations.slice(MAX_CONVERSATION_SNAPSHOTS)) await cache.delete(old.request);
}

/** The snapshot of `pathname` for the user signed in on this device, if one is kept. */
export async function readScreenSnapshot(pathname: string): Promise<StoredSnapshot | null> {
  const route = snapshotRouteOf(pathname);
  if (route === null) return null;
  const cache = await caches.open(SCREEN_SNAPSHOTS_CACHE);
  const owner = await (await cache.match(OWNER_KEY))?.text();
  if (!owner) return null;
  const kept = (await (await cache.match(keyOf(owner, route)))?.json()) as ScreenSnapshot | undefined;
  return kept ? { ...kept, userId: owner } : null;
}

/** Nobody is signed in (or another account is): serve no snapshot until the owner saves again. */
export async function forgetSnapshotOwner(): Promise<void> {
  if (typeof caches === 'undefined') return;
  const cache = await caches.open(SCREEN_SNAPSHOTS_CACHE);
  await cache.delete(OWNER_KEY);
}

/** Deletes every snapshot of `userId` (the device's wipe). */
export async function deleteScreenSnapshots(userId: string): Promise<void> {
  if (typeof caches === 'undefined') return;
  if (!(await caches.has(SCREEN_SNAPSHOTS_CACHE))) return;
  const cache = await caches.open(SCREEN_SNAPSHOTS_CACHE);
  if ((await (await cache.match(OWNER_KEY))?.text()) === userId) await cache.delete(OWNER_KEY);
  for (const request of await cache.keys())
    if (pathOfKey(request).startsWith(userPrefix(userId))) await cache.delete(request);
  // Nothing of anyone left: the cache itself goes, so the device holds no trace of it.
  if ((await cache.keys()).length === 0) await caches.delete(SCREEN_SNAPSHOTS_CACHE);
}
