import { reloadWithoutWarning } from './unsent-warning.ts';
import { updateWaiting } from './update-store.ts';

/** Registers the service worker (production builds only) and reports a waiting update instead of reloading. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/', type: 'module' })
      .then((registration) => watchForUpdates(registration))
      .catch((error: unknown) => console.warn('service worker registration failed', error));
  });
}

function watchForUpdates(registration: ServiceWorkerRegistration): void {
  const offer = (worker: ServiceWorker): void => {
    updateWaiting.set(() => {
      navigator.serviceWorker.addEventListener('controllerchange', () => reloadWithoutWarning(), {
        once: true,
      });
      worker.postMessage({ type: 'SKIP_WAITING' });
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    if (!installing) return;
    installing.addEventListener('statechange', () => {
      // A first install has no controller yet: nothing to update from.
      if (installing.state === 'installed' && navigator.serviceWorker.controller) offer(installing);
    });
  });
}
