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
 * The shell's text with its precached stylesheets inline (`nonce` a placeholder): read once per
 * worker, since what the precache holds changes only with a new worker. Every cache read is a
 * round trip to the browser's storage, and a navigation's answer waited on seven of them in a row.
 */
const NONCE_PLACEHOLDER = '__messenjo_nonce__';
let inlineShell: Promise<string> | null = null;
function shellWithStylesInline(plain: Response): Promise<string> {
  inlineShell ??= (async () => {
    const shellHtml = await plain.clone().text();
    const hrefs = stylesheetsOf(shellHtml);
    const texts = await Promise.all(hrefs.map(async (href) => (await matchPrecache(href))?.text()));
    const css = new Map<string, string>();
    hrefs.forEach((href, i) => {
      const text = texts[i];
      if (text !== undefined) css.set(href, text);
    });
    return withStylesInline(shellHtml, css, NONCE_PLACEHOLDER);
  })().catch((error: unknown) => {
    inlineShell = null;
    throw error;
  });
  return inlineShell;
}

/**
 * The shell with the last painted screen of the route already in it, when the device keeps one
 * for the signed-in user (lib/screen-snapshots.ts), and the precached CSS inline: the first paint
 * needs no script and no further request. Anything amiss serves the plain shell.
 */
async function shellWithSnapshot(options: NavigationOptions): Promise<Response> {
  // The snapshot is read while the precache answers: both are on the way to the page's first byte.
  const [plain, snapshot] = await Promise.all([
    shell(options),
    readScreenSnapshot(options.url.pathname).catch((error: unknown) => {
      console.warn('screen snapshot not read', error);
      return null;
    }),
  ]);
  try {
    if (!snapshot || !plain.ok) return plain;
    const nonce = crypto.randomUUID().replace(/-/g, '');
    const shellHtml = (await shellWithStylesInline(plain)).replaceAll(NONCE_PLACEHOLDER, nonce);
    const page = pageWithSnapshot(shellHtml, snapshot, nonce);
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
