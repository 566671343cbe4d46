import { backgroundLoadsSettled, holdBackgroundLoads } from '../lib/background-loads.ts';
import { reloadWithoutWarning } from './unsent-warning.ts';
import { updateOffer } from './update-store.ts';

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

/*
 * Why the takeover is careful. When the new worker calls skipWaiting, Chromium stops the old one
 * and activates the new one once the old one is stopped. A fetch from the page in that instant
 * (the other screens' code loading after start, a picture) starts the old worker again, and then
 * it lets go only when idle for 30 s, or never while DevTools (or Playwright) is attached. A reload
 * in that state can hang with a blank page: the navigation goes to the old worker as it is being
 * stopped (seen in CI, reproduced by fetching during the click). So the page first lets its own
 * loads finish and waits for a quiet moment, never starts new ones, and reloads only once the new
 * worker has taken over; if it has not within TAKEOVER_AT_MOST_MS, it says the new version opens
 * at the next start (it does: with no page left, nothing holds the old worker).
 */

/** A moment with no resource finishing for this long counts as quiet. */
const QUIET_MS = 300;
/** How often the page looks whether a resource finished. */
const CHECK_EVERY_MS = 50;
/** How long the page waits for a quiet moment before it asks anyway. */
const QUIET_AT_MOST_MS = 3000;
/** How long the page waits for the new worker to take over before it gives up for this start. */
const TAKEOVER_AT_MOST_MS = 5000;

function watchForUpdates(registration: ServiceWorkerRegistration): void {
  const offer = (): void => updateOffer.set({ state: 'ready', apply: () => void applyUpdate(registration) });
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
async function applyUpdate(registration: ServiceWorkerRegistration): Promise<void> {
  updateOffer.set({ state: 'applying' });
  holdBackgroundLoads();
  await backgroundLoadsSettled();
  await quietMoment();

  let tookOver = false;
  const reload = (): void => {
    if (tookOver) return;
    tookOver = true;
    // Late (after "next start" was said): the person may be typing again, so offer a plain reload.
    if (updateOffer.get()?.state === 'next-start')
      updateOffer.set({ state: 'ready', apply: reloadWithoutWarning });
    else reloadWithoutWarning();
  };
  navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
  // The worker waiting now: a later deploy may have replaced the one first offered, and another
  // tab may have applied it already (then the reload is all that is left).
  const worker = registration.waiting;
  if (!worker) return reload();
  worker.addEventListener('statechange', () => {
    if (worker.state === 'activating' || worker.state === 'activated') reload();
  });
  worker.postMessage({ type: 'SKIP_WAITING' });
  setTimeout(() => {
    // Unless it took over, or a newer version replaced it meanwhile (and is offered).
    if (!tookOver && updateOffer.get()?.state === 'applying') updateOffer.set({ state: 'next-start' });
  }, TAKEOVER_AT_MOST_MS);
}

/**
 * Resolves after QUIET_MS with no resource of the page finishing, or after QUIET_AT_MOST_MS. It
 * reads the resource timing buffer, emptied first, rather than a PerformanceObserver, whose
 * callbacks a busy page delivers late.
 */
function quietMoment(): Promise<void> {
  return new Promise((resolve) => {
    performance.clearResourceTimings();
    const started = performance.now();
    let last = started;
    let finished = 0;
    const check = (): void => {
      const now = performance.now();
      const count = performance.getEntriesByType('resource').length;
      if (count !== finished) {
        finished = count;
        last = now;
      }
      if (now - last >= QUIET_MS || now - started >= QUIET_AT_MOST_MS) resolve();
      else setTimeout(check, CHECK_EVERY_MS);
    };
    setTimeout(check, CHECK_EVERY_MS);
  });
}
