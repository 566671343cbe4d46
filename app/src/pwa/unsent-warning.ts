/**
 * Windows the app itself is reloading (to apply an update the person asked for): what is unsent
 * stays in the device's outbox and the app comes straight back and sends it, so the browser's
 * "leave site?" dialog would only stop the reload (an automated browser dismisses it).
 */
const reloadingByApp = new WeakSet<object>();

/** Reloads the page without the unsent warning (see `reloadingByApp`). */
export function reloadWithoutWarning(target: Window = window): void {
  reloadingByApp.add(target);
  target.location.reload();
}

/** What the warning reads: a count of changes not yet stored by the server, and its changes. */
export interface UnsentCount {
  get(): number;
  subscribe(listener: () => void): () => void;
}

/**
 * Asks the browser to warn before the tab closes while changes wait to be sent (PRODUCT 9):
 * they stay on the device, but go out only when the app is open again, and the person may
 * believe they were sent. The listener is there only while something is unsent, since any
 * `beforeunload` listener keeps the page out of the back/forward cache. Returns the disposer.
 */
export function warnBeforeUnloadWhileUnsent(unsent: UnsentCount, target: Window = window): () => void {
  const warn = (event: BeforeUnloadEvent): void => {
    if (reloadingByApp.has(target)) return;
    event.preventDefault();
    // Older Chromium and Safari show the dialog only when returnValue is set.
    event.returnValue = '';
  };
  let armed = false;
  const update = (): void => {
    const shouldWarn = unsent.get() > 0;
    if (shouldWarn === armed) return;
    armed = shouldWarn;
    if (armed) target.addEventListener('beforeunload', warn);
    else target.removeEventListener('beforeunload', warn);
  };
  update();
  const stop = unsent.subscribe(update);
  return () => {
    stop();
    if (armed) target.removeEventListener('beforeunload', warn);
    armed = false;
  };
}
