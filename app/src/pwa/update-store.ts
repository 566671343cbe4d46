import { Store } from '../lib/store.ts';

/**
 * Whether a new version of the app is waiting: the function that activates it and reloads, or
 * null when up to date. The service worker registration writes it; the UI offers "reload to
 * update" (never forced).
 */
export const updateWaiting = new Store<(() => void) | null>(null);
