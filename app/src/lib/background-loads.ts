/**
 * Loads the app starts on its own, not because the person asked (the other screens' code after
 * start). Applying an update waits for them: a fetch while the new service worker takes over can
 * stall the takeover (pwa/register-sw.ts).
 */
const running = new Set<Promise<unknown>>();
const settledListeners = new Set<() => void>();
let held = false;

/** From now on no background load starts (an update is being applied and the page reloads). */
export function holdBackgroundLoads(): void {
  held = true;
}

/** Whether a background load may start now. */
export function backgroundLoadsAllowed(): boolean {
  return !held;
}

/** Counts `load` as running until it settles; returns it. */
export function trackBackgroundLoad<T>(load: Promise<T>): Promise<T> {
  running.add(load);
  const done = (): void => {
    running.delete(load);
    if (running.size > 0) return;
    for (const listener of [...settledListeners]) listener();
    settledListeners.clear();
  };
  load.then(done, done);
  return load;
}

/** Resolves once no background load runs (at once when none does). */
export function backgroundLoadsSettled(): Promise<void> {
  if (running.size === 0) return Promise.resolve();
  return new Promise((resolve) => settledListeners.add(resolve));
}
