import { SCREEN_CONTENT } from './snapshot-capture.ts';
import { SNAPSHOT_ID } from './snapshot-page.ts';

/**
 * How long after React's first commit the snapshot may stay when the app never shows what it
 * showed (a conversation no longer there, another screen): then the app's own screen shows.
 */
const AT_MOST_AFTER_REACT_MS = 1500;

/**
 * The saved screen the service worker painted (snapshot-page.ts) stays over `#root` until React
 * has committed the same kind of content — the list's rows, the conversation's messages — and is
 * removed in the same task as that commit (a MutationObserver's callback runs before the next
 * frame), so no frame shows an empty shell between the two. Removed at once when the person on
 * the device is not the one it was saved for. Returns a function that removes it now.
 */
export function takeOverFromSnapshot(signedInAs: string | null): () => void {
  const snapshot = document.getElementById(SNAPSHOT_ID);
  const root = document.getElementById('root');
  if (!snapshot || !root) return () => {};
  if (snapshot.dataset.user !== signedInAs) {
    snapshot.remove();
    return () => {};
  }
  performance.mark('messenjo:snapshot-shown');
  const wanted = SCREEN_CONTENT.filter(({ saved }) => snapshot.querySelector(saved) !== null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const observer = new MutationObserver(() => {
    timer ??= setTimeout(remove, AT_MOST_AFTER_REACT_MS);
    if (wanted.every(({ live }) => root.querySelector(live) !== null)) remove();
  });
  function remove(): void {
    observer.disconnect();
    clearTimeout(timer);
    if (!snapshot?.isConnected) return;
    snapshot.remove();
    performance.mark('messenjo:snapshot-replaced');
  }
  observer.observe(root, { childList: true, subtree: true });
  return remove;
}
