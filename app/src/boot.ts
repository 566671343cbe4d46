import { meStore } from './accounts/me-store.ts';
import { preloadSignedInApp } from './ui/screens.tsx';

/**
 * The first thing the page runs (main.tsx imports it first, so it is evaluated before React): a
 * device that was signed in starts reading its conversation list from IndexedDB and loading the
 * signed-in app's chunk now, in parallel with the rest of the start.
 */
const me = meStore.state.get();
if (me.status === 'signed-in' && me.me.username !== null && typeof indexedDB !== 'undefined') {
  const userId = me.me.id;
  // Dexie and the first read come in a chunk of their own (the sign-in page never loads them).
  void import('./session/first-read.ts').then((module) => module.readFirstScreenEarly(userId));
  void preloadSignedInApp();
}
