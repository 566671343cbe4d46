import { Store } from '../lib/store.ts';

/**
 * The app's few places, kept in the URL so reloads and the back button work. Framework-free;
 * React reads `router.route` with useStore.
 */
export type Route =
  | { view: 'home' }
  | { view: 'conversation'; id: string }
  | { view: 'friends' }
  | { view: 'new-group' }
  | { view: 'settings' };

export function parseRoute(pathname: string): Route {
  const conversation = /^\/c\/([^/]+)$/.exec(pathname);
  if (conversation) return { view: 'conversation', id: decodeURIComponent(conversation[1]!) };
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
      return `/c/${encodeURIComponent(route.id)}`;
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
    if (window.location.pathname !== path) window.history.pushState(null, '', path);
    route.set(next);
  },
};
