import { meStore } from './accounts/me-store.ts';
import { parseRoute } from './app/router.ts';
import { readFirstScreenEarly } from './session/local-index/first-read.ts';

/**
 * The first thing the page runs (main.tsx imports it first, so it is evaluated before React):
 * a device that was signed in starts reading its conversation list — and the newest messages of
 * the conversation on the address — from IndexedDB now, in plain IndexedDB, in parallel with
 * the rest of the start. Dexie, Yjs and the sync client load after the first paint.
 */
performance.mark('messenjo:boot');
const me = meStore.state.get();
if (me.status === 'signed-in' && me.me.username !== null && typeof indexedDB !== 'undefined') {
  const route = parseRoute(window.location.pathname);
  readFirstScreenEarly(me.me.id, route.view === 'conversation' ? route.id : undefined);
}
