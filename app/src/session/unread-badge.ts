import type { Store } from '../lib/store.ts';

export const APP_TITLE = 'Messenjo';

/** "(3) Messenjo" while something is unread, "Messenjo" otherwise. */
export function titleWithUnread(total: number): string {
  return total > 0 ? `(${total}) ${APP_TITLE}` : APP_TITLE;
}

interface BadgeApi {
  setAppBadge?: (contents?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
}

/**
 * Shows the unread total in the document title and, where the browser has it (installed
 * apps), on the app icon. Returns the disposer, which puts the plain title back.
 */
export function showUnreadTotal(
  total: Store<number>,
  doc: { title: string } = document,
  badge: BadgeApi = navigator,
): () => void {
  const show = (): void => {
    const n = total.get();
    doc.title = titleWithUnread(n);
    const done = n > 0 ? badge.setAppBadge?.(n) : badge.clearAppBadge?.();
    // Not allowed (not installed, permission): the title still says it.
    void done?.catch(() => undefined);
  };
  show();
  const stop = total.subscribe(show);
  return () => {
    stop();
    doc.title = APP_TITLE;
    void badge.clearAppBadge?.()?.catch(() => undefined);
  };
}
