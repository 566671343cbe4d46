import './entry-mark.ts';
// Before any chunk builds a schema: zod must not probe eval under the CSP.
import './lib/zod-without-eval.ts';
// First: starts reading the device's index as soon as this small entry is evaluated.
import './boot.ts';
import { meStore } from './accounts/me-store.ts';
import { forgetSnapshotOwner } from './lib/screen-snapshots.ts';
import { pageTheme } from './lib/theme.ts';
import { registerServiceWorker } from './pwa/register-sw.ts';
import { takeOverFromSnapshot } from './pwa/snapshot-takeover.ts';
import './index.css';

// Before the first render, so the page never flashes the other theme.
pageTheme();

// The saved screen the service worker painted stays until React shows the same (pwa/); nobody
// signed in, or someone else: it goes, and no snapshot is served until its owner saves again.
const signedInAs = (): string | null => {
  const me = meStore.state.get();
  return me.status === 'signed-in' ? me.me.id : null;
};
const removeSnapshot = takeOverFromSnapshot(signedInAs());
const owner = signedInAs();
meStore.state.subscribe(() => {
  const now = signedInAs();
  if (now === owner && now !== null) return;
  removeSnapshot();
  if (now === null) void forgetSnapshotOwner().catch(() => {});
});
if (owner === null) void forgetSnapshotOwner().catch(() => {});

// Here, not with React: it waits for the page's load event, which a later chunk could miss.
registerServiceWorker();

/*
 * React and the shell are a chunk of their own (start-app.tsx), which index.html preloads
 * (vite.config.ts, `preloadChunks`): the browser fetches and compiles it while this entry,
 * a few KB, already runs and the device's index answers the first read (W6, W12 in
 * docs/benchmarks.md). Before, the read started only once react-dom had been compiled and run.
 */
import('./start-app.tsx').catch((error: unknown) => console.error('the app failed to load', error));
