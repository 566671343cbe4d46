/// <reference lib="webworker" />
import { readPushPayload, type PushMessagePayload } from '@messenjo/shared';

/**
 * The service worker's half of notifications: a push always shows a notification (Safari
 * revokes a subscription whose pushes show none; Chrome shows a generic one), the app badge
 * follows, a notification of a page in the background is shown here too (so clicks work the
 * same), and a click opens the conversation in a window of the app, or a new one.
 */

/** What a page asks the worker (sw messages): show a new message's notification, or the unread total. */
export type PageToWorker =
  { type: 'notify'; notification: PushMessagePayload } | { type: 'badge'; count: number };
/** What the worker asks a page: go to a path of the app (after a notification click). */
export interface WorkerToPage {
  type: 'open';
  url: string;
}

const BADGE_CACHE = 'messenjo-badge';
const BADGE_KEY = '/__badge';

async function storedBadge(): Promise<number> {
  const response = await (await caches.open(BADGE_CACHE)).match(BADGE_KEY);
  const value: unknown = response ? await response.json() : 0;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

async function setBadge(self: ServiceWorkerGlobalScope, count: number): Promise<void> {
  await (await caches.open(BADGE_CACHE)).put(BADGE_KEY, new Response(JSON.stringify(count)));
  const badge = self.navigator as Navigator & {
    setAppBadge?: (n?: number) => Promise<void>;
    clearAppBadge?: () => Promise<void>;
  };
  // Not installed, or no badging on this platform: the notification still says it.
  await (count > 0 ? badge.setAppBadge?.(count) : badge.clearAppBadge?.())?.catch(() => undefined);
}

/** One notification per conversation: a newer one replaces it (same tag), and alerts again. */
function show(self: ServiceWorkerGlobalScope, n: PushMessagePayload): Promise<void> {
  return self.registration.showNotification(n.title, {
    body: n.body,
    tag: n.tag,
    icon: '/icon.svg',
    data: { url: n.url, at: n.at, conversationId: n.conversationId },
    // renotify: the same tag alerts again for a new message (Chromium; others ignore it).
    ...({ renotify: true, timestamp: n.at } as NotificationOptions),
  });
}

/** Whether the person is looking at the app: some window of it is visible and focused. */
async function appInFront(self: ServiceWorkerGlobalScope): Promise<boolean> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.some((w) => w.focused && w.visibilityState === 'visible');
}

async function onPush(self: ServiceWorkerGlobalScope, event: PushEvent): Promise<void> {
  let data: unknown;
  try {
    data = event.data?.json();
  } catch {
    data = undefined;
  }
  const notification = readPushPayload(data, self.location.origin) ?? {
    v: 1,
    kind: 'message',
    title: 'Messenjo',
    body: 'New message',
    tag: 'messenjo',
    url: '/',
    at: Date.now(),
  };
  // Every push shows its notification, in front or not: a push without one costs the subscription.
  await show(self, notification);
  if (notification.kind === 'message') await setBadge(self, (await storedBadge()) + 1);
}

/** A page's notification: shown unless a window of the app is in front, once per message however many tabs ask. */
async function onPageNotify(self: ServiceWorkerGlobalScope, n: PushMessagePayload): Promise<void> {
  if (await appInFront(self)) return;
  const shown = await self.registration.getNotifications({ tag: n.tag });
  if (shown.some((s) => ((s.data as { at?: number } | null)?.at ?? 0) >= n.at)) return;
  await show(self, n);
}

async function onClick(self: ServiceWorkerGlobalScope, notification: Notification): Promise<void> {
  notification.close();
  const raw = (notification.data as { url?: unknown } | null)?.url;
  const url = typeof raw === 'string' && raw.startsWith('/') && !raw.startsWith('//') ? raw : '/';
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const target = windows.find((w) => w.focused) ?? windows[0];
  if (!target) {
    await self.clients.openWindow(url);
    return;
  }
  // The app routes itself (no reload, nothing typed is lost), then comes to the front.
  target.postMessage({ type: 'open', url } satisfies WorkerToPage);
  await target.focus().catch(() => undefined);
}

export function registerNotificationHandlers(self: ServiceWorkerGlobalScope): void {
  self.addEventListener('push', (event: PushEvent) => event.waitUntil(onPush(self, event)));
  self.addEventListener('notificationclick', (event: NotificationEvent) => {
    const done = onClick(self, event.notification);
    // A click dispatched by a test (not by the platform) cannot extend its lifetime: the work still runs.
    if (event.isTrusted) event.waitUntil(done);
  });
  self.addEventListener('message', (event: ExtendableMessageEvent) => {
    const message = event.data as Partial<PageToWorker> | null;
    if (message?.type === 'notify' && message.notification) {
      const n = readPushPayload(message.notification, self.location.origin);
      if (n) event.waitUntil(onPageNotify(self, n));
    } else if (message?.type === 'badge' && typeof message.count === 'number') {
      event.waitUntil(setBadge(self, Math.max(0, Math.floor(message.count))));
    }
  });
}
