import { saveScreenSnapshot, snapshotRouteOf } from '../lib/screen-snapshots.ts';
import { captureScreen, showsContent } from './snapshot-capture.ts';
import { SNAPSHOT_ID } from './snapshot-page.ts';

/** Quiet this long after the screen's last change before it is saved: a settled screen, not every frame. */
const SETTLED_MS = 1000;

/**
 * Keeps the painted screen of the list or a conversation as `userId`'s snapshot
 * (lib/screen-snapshots.ts) once it has settled — in an idle moment after a second without
 * changes — and when the page is hidden or left, so the next start paints what was last seen.
 * Returns its disposer.
 */
export function saveScreenSnapshots(userId: string): () => void {
  const root = document.getElementById('root');
  if (!root || typeof caches === 'undefined') return () => {};
  let lastSaved = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idle: number | undefined;

  const save = (): void => {
    const route = snapshotRouteOf(window.location.pathname);
    // Not while the previous snapshot is still shown: the page under it is not finished.
    if (route === null || document.getElementById(SNAPSHOT_ID) || !showsContent(root)) return;
    const { html, css } = captureScreen(root);
    const dark = document.documentElement.classList.contains('dark');
    const key = `${route}\n${String(dark)}\n${css}\n${html}`;
    if (key === lastSaved) return;
    lastSaved = key;
    saveScreenSnapshot(userId, route, { html, css, dark, savedAt: Date.now() }).catch((error: unknown) =>
      console.warn('screen snapshot not saved', error),
    );
  };
  const cancel = (): void => {
    clearTimeout(timer);
    if (idle !== undefined && 'cancelIdleCallback' in window) cancelIdleCallback(idle);
    idle = undefined;
  };
  const settle = (): void => {
    cancel();
    timer = setTimeout(() => {
      idle = 'requestIdleCallback' in window ? requestIdleCallback(save, { timeout: 2000 }) : undefined;
      if (idle === undefined) save();
    }, SETTLED_MS);
  };
  const leaving = (): void => {
    cancel();
    save();
  };
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') leaving();
  };

  const screen = new MutationObserver(settle);
  screen.observe(root, { childList: true, subtree: true, characterData: true });
  // A theme change is saved too, so the next start does not paint the former one.
  const theme = new MutationObserver(settle);
  theme.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  window.addEventListener('popstate', settle);
  window.addEventListener('pagehide', leaving);
  document.addEventListener('visibilitychange', onVisibility);
  settle();
  return () => {
    cancel();
    screen.disconnect();
    theme.disconnect();
    window.removeEventListener('popstate', settle);
    window.removeEventListener('pagehide', leaving);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
