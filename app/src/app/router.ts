import { Store } from '../lib/store.ts';

/**
 * The app's few places, kept in the URL so reloads and the back button work. Framework-free;
 * React reads `router.route` with useStore.
 */
export type Route =
  | { view: 'home' }
  /** `messageId`: opened at that message (a search result), scrolled to and marked. */
  | { view: 'conversation'; id: string; messageId?: string }
  | { view: 'friends' }
  | { view: 'new-group' }
  | { view: 'settings' };

export function parseRoute(pathname: string): Route {
  const conversation = /^\/c\/([^/]+)(?:\/m\/([^/]+))?$/.exec(pathname);
  if (conversation) {
    const id = decodeURIComponent(conversation[1]!);
    return conversation[2] === undefined
      ? { view: 'conversation', id }
      : { view: 'conversation', id, messageId: decodeURIComponent(conversation[2]) };
  }
  if (pathname === '/friends') return { view: 'friends' };
  if (pathname === '/groups/new') return { view: 'new-group' };
  if (pathname === '/settings') return { view: 'settings' };
  return { view: 'home' };
}

export function pathOf(route: Route): string {
  switch (route.view) {
    case 'home':
      return '/';
    case 'conversation':
      return route.messageId === undefined
        ? `/c/${encodeURIComponent(route.id)}`
        : `/c/${encodeURIComponent(route.id)}/m/${encodeURIComponent(route.messageId)}`;
    case 'friends':
      return '/friends';
    case 'new-group':
      return '/groups/new';
    case 'settings':
      return '/settings';
  }
}

const route = new Store<Route>(
  typeof window === 'undefined' ? { view: 'home' } : parseRoute(window.location.pathname),
);

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => route.set(parseRoute(window.location.pathname)));
}

export const router = {
  /** The current place. */
  route,
  navigate: (next: Route): void => {
    const path = pathOf(next);
    // Each entry we push remembers where it came from, for `backHome`.
    if (window.location.pathname !== path) window.history.pushState({ from: pathOf(route.get()) }, '', path);
    route.set(next);
  },
  /**
   * Back to the conversation list. When the list is the entry just before, the history steps
   * back to it (so the system back button does not return to the pane just left); otherwise
   * (a link opened straight into a pane) the list replaces the pane's entry.
   */
  backHome: (): void => {
    const state: unknown = window.history.state;
    const from = typeof state === 'object' && state !== null && 'from' in state ? state.from : null;
    if (from === pathOf({ view: 'home' })) {
      window.history.back();
      return;
    }
    window.history.replaceState(null, '', pathOf({ view: 'home' }));
    route.set({ view: 'home' });
  },
};
