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
    // Each entry we push remembers where it came from, for `backHome`.
    if (window.location.pathname !== path) window.history.pushState({ from: pathOf(current) }, '', path);
    current = route;
    notify();
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
    current = { view: 'home' };
    notify();
  },
};
