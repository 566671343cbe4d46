/**
 * The app's few places, kept in the URL so reloads and the back button work. Framework-free;
 * React reads it through useSyncExternalStore.
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

type Listener = () => void;
const listeners = new Set<Listener>();
let current: Route = typeof window === 'undefined' ? { view: 'home' } : parseRoute(window.location.pathname);

function notify(): void {
  for (const listener of listeners) listener();
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    current = parseRoute(window.location.pathname);
    notify();
  });
}

export const router = {
  subscribe: (listener: Listener): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot: (): Route => current,
  navigate: (route: Route): void => {
    const path = pathOf(route);
    if (window.location.pathname !== path) window.history.pushState(null, '', path);
    current = route;
    notify();
  },
};
