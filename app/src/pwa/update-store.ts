import { Store } from '../lib/store.ts';

/**
 * A new version of the app, as the UI offers it (never forced):
 * - `ready`: waiting; `apply` lets it take over and reloads;
 * - `applying`: the person asked, the page reloads once the new version has taken over;
 * - `next-start`: it could not take over now, and opens the next time the app starts.
 * Null when up to date. The service worker registration (pwa/register-sw.ts) writes it.
 */
export type UpdateOffer =
  { state: 'ready'; apply: () => void } | { state: 'applying' } | { state: 'next-start' };

export const updateOffer = new Store<UpdateOffer | null>(null);
