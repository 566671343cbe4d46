/// <reference lib="webworker" />
import {
  addRoute,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  matchPrecache,
  precache,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { readScreenSnapshot } from './lib/screen-snapshots.ts';
import { registerNotificationHandlers } from './notifications/sw-notifications.ts';
import {
  pageWithSnapshot,
  policyWithStyleNonce,
  stylesheetsOf,
  withStylesInline,
} from './pwa/snapshot-page.ts';

declare const self: ServiceWorkerGlobalScope;

// The build injects the list of hashed files here; they load with no network afterwards.
precache(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const shell = createHandlerBoundToURL('/index.html');
type NavigationOptions = Parameters<typeof shell>[0];

/**
 * The shell with the last painted screen of the route already in it, when the device keeps one
 * for the signed-in user (lib/screen-snapshots.ts), and the precached CSS inline: the first paint
 * needs no script and no further request. Anything amiss serves the plain shell.
 */
async function shellWithSnapshot(options: NavigationOptions): Promise<Response> {
  const plain = await shell(options);
  try {
    const snapshot = await readScreenSnapshot(options.url.pathname);
    if (!snapshot || !plain.ok) return plain;
    const nonce = crypto.randomUUID().replace(/-/g, '');
    const shellHtml = await plain.clone().text();
    const css = new Map<string, string>();
    for (const href of stylesheetsOf(shellHtml)) {
      const text = await (await matchPrecache(href))?.text();
      if (text !== undefined) css.set(href, text);
    }
    const page = pageWithSnapshot(withStylesInline(shellHtml, css, nonce), snapshot, nonce);
    if (page === null) return plain;
    const headers = new Headers(plain.headers);
    headers.delete('content-length');
    const policy = headers.get('content-security-policy');
    if (policy) headers.set('content-security-policy', policyWithStyleNonce(policy, nonce));
    return new Response(page, { status: plain.status, statusText: plain.statusText, headers });
  } catch (error) {
    console.warn('screen snapshot not served', error);
    return plain;
  }
}

// Every navigation gets the cached shell, so the app opens offline; API and sync paths stay on the network.
registerRoute(
  new NavigationRoute(shellWithSnapshot, {
    denylist: [/^\/api\//, /^\/sync/, /^\/healthz/, /^\/readyz/],
  }),
);
// The precached files' route after the navigations': routes match in the order they were added, and
// the precache answers `/` itself (it is index.html's directory), which would bypass the saved screen.
addRoute();

// The page asks before a new worker takes over, so an update never reloads under someone typing.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Push, notification clicks, the app badge and the pages' background notifications.
registerNotificationHandlers(self);
