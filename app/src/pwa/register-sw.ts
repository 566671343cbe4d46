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

/**
 * How long the page waits for the new worker to take over before it reloads anyway: the old
 * worker may still be finishing an event (a worker takes over only once its predecessor has
 * none pending), and the person asked for the reload. The new worker then takes over on the
 * reload, or the offer shows again.
 */
const TAKEOVER_AT_MOST_MS = 3000;

function watchForUpdates(registration: ServiceWorkerRegistration): void {
  const offer = (): void => updateWaiting.set(() => applyUpdate(registration));
  if (registration.waiting && navigator.serviceWorker.controller) offer();
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    if (!installing) return;
    installing.addEventListener('statechange', () => {
      // A first install has no controller yet: nothing to update from.
      if (installing.state === 'installed' && navigator.serviceWorker.controller) offer();
    });
  });
}

/** Lets the waiting worker take over, then reloads once, without the unsent warning. */
function applyUpdate(registration: ServiceWorkerRegistration): void {
  let reloading = false;
  const reload = (): void => {
    if (reloading) return;
    reloading = true;
    reloadWithoutWarning();
  };
  navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
  // The worker waiting now: a later deploy may have replaced the one first offered, and another
  // tab may have applied it already (then the reload is all that is left).
  const worker = registration.waiting;
  if (!worker) return reload();
  worker.addEventListener('statechange', () => {
    if (worker.state === 'activated' || worker.state === 'redundant') reload();
  });
  worker.postMessage({ type: 'SKIP_WAITING' });
  setTimeout(reload, TAKEOVER_AT_MOST_MS);
}
