import { meStore } from './accounts/me-store.ts';
import { readFirstScreenEarly } from './session/local-index/first-read.ts';

/**
 * The first thing the page runs (main.tsx imports it first, so it is evaluated before React and
 * the sync client): a device that was signed in starts reading its conversation list from
 * IndexedDB now, in parallel with the rest of the start.
 */
const me = meStore.state.get();
if (me.status === 'signed-in' && me.me.username !== null && typeof indexedDB !== 'undefined') {
  readFirstScreenEarly(me.me.id);
}
