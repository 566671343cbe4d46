import { meStore } from './accounts/me-store.ts';
import { preloadFirstScreen } from './app/first-screen-preload.ts';
import { parseRoute } from './app/router.ts';
import { readFirstScreenEarly } from './session/local-index/first-read.ts';

/**
 * The first thing the page runs (main.tsx imports it first, so it is evaluated before React):
 * it asks the server who is signed in before React is evaluated and renders, not after
 * (the shell's first `meStore.refresh` takes this answer: one request); it fetches the code of
 * the first screen as soon as that screen is known; and a device that was signed in starts
 * reading its conversation list — and the newest messages of the conversation on the address —
 * from IndexedDB now, in plain IndexedDB. Dexie, Yjs and the sync client are fetched here but
 * evaluated only after the first paint (session/device-session.ts).
 */
performance.mark('messenjo:boot');
const route = parseRoute(window.location.pathname);

/** The signed-in app's code: its working half, and the pane of the conversation on the address. */
function preloadSignedIn(): void {
  preloadFirstScreen('signed-in');
  if (route.view === 'conversation') preloadFirstScreen('conversation');
  if (!reading) setTimeout(loadLocaleData, 0);
}

/**
 * The page's first local time and first `Intl.DateTimeFormat` load the time zone's and the
 * locale's data: ~25 and ~22 ms in CPU profiles of a start, inside the first render of the
 * conversation list and the chat rows (`dayKey`, `listTime`). A device that kept nothing
 * (signed in elsewhere, or its data cleared) loads them in a task of their own while its code
 * downloads; one that kept its list does the first here below and has learned the formats'
 * shapes (ui/format-time.ts).
 */
function loadLocaleData(): void {
  new Date().getFullYear();
  new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(0);
}

const me = meStore.state.get();
const reading = me.status === 'signed-in' && me.me.username !== null && typeof indexedDB !== 'undefined';
// The read first: it is what React's first render waits for (start-app.tsx), and in a Chromium
// trace of a W6 open the session request and the preload links below took ~40 ms of a busy main
// thread before the read was even asked.
if (reading) readFirstScreenEarly(me.me.id, route.view === 'conversation' ? route.id : undefined);
const answer = meStore.askEarly();
if (me.status === 'signed-in') {
  if (me.me.username !== null) preloadSignedIn();
} else {
  // No profile kept here: most likely a visitor, but only the answer says. Offline, the
  // sign-in page is what shows.
  answer.then(
    (now) => (now.me ? now.me.username !== null && preloadSignedIn() : preloadFirstScreen('sign-in')),
    () => preloadFirstScreen('sign-in'),
  );
}
if (reading) {
  // The page's first local-time computation loads the time zone's data (~25 ms in W6's CPU
  // profile, inside the chat rows' first render: `dayKey`). Done here, it overlaps the read.
  new Date().getFullYear();
}
