/**
 * Whether a new version of the app is waiting. The service worker registration writes it; the
 * UI reads it through useSyncExternalStore and offers "reload to update" (never forced).
 */
type Listener = () => void;

let waiting: (() => void) | null = null;
const listeners = new Set<Listener>();

export const updateStore = {
  subscribe: (listener: Listener): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** The function that activates the waiting version and reloads, or null when up to date. */
  getSnapshot: (): (() => void) | null => waiting,
  setWaiting: (activate: (() => void) | null): void => {
    waiting = activate;
    for (const listener of listeners) listener();
  },
};
