/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { registerNotificationHandlers } from './notifications/sw-notifications.ts';

declare const self: ServiceWorkerGlobalScope;

// The build injects the list of hashed files here; they load with no network afterwards.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every navigation gets the cached shell, so the app opens offline; API and sync paths stay on the network.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api\//, /^\/sync/, /^\/healthz/, /^\/readyz/],
  }),
);

// The page asks before a new worker takes over, so an update never reloads under someone typing.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Push, notification clicks, the app badge and the pages' background notifications.
registerNotificationHandlers(self);
