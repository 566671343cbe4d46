import { lazy, useState, type ComponentType } from 'react';
import { backgroundLoadsAllowed, trackBackgroundLoad } from '../lib/background-loads.ts';

/**
 * The screens that are not the conversation list, each in its own chunk: the first paint of a
 * signed-in device needs only the shell, the session and the list, so nothing else is parsed
 * before it. The service worker precaches every chunk (vite.config.ts), so they load offline.
 */
export function lazyScreen<P extends object>(
  load: () => Promise<ComponentType<P>>,
): {
  Screen: ComponentType<P>;
  preload: () => Promise<unknown>;
} {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  // A load that failed (offline before the service worker had the chunk) is forgotten, so the
  // next preload or the screen itself asks again instead of failing forever.
  const preload = (): Promise<ComponentType<P>> =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  /**
   * Code already here (preloaded) renders at once; otherwise the lazy one suspends until it is.
   * Chosen once per mount, so a chunk arriving later never remounts a screen in use.
   */
  function Screen(props: P) {
    const [Component] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return <Component {...props} />;
  }
  return { Screen, preload };
}

const conversation = lazyScreen(() =>
  import('../social/ConversationPane.tsx').then((m) => m.ConversationPane),
);
const friends = lazyScreen(() => import('../social/FriendsPanel.tsx').then((m) => m.FriendsPanel));
const newGroup = lazyScreen(() => import('../social/NewGroupPanel.tsx').then((m) => m.NewGroupPanel));
const settings = lazyScreen(() =>
  import('../accounts/settings/AccountSettings.tsx').then((m) => m.AccountSettings),
);
const signIn = lazyScreen(() => import('../accounts/SignInPage.tsx').then((m) => m.SignInPage));
const chooseUsername = lazyScreen(() =>
  import('../accounts/ChooseUsername.tsx').then((m) => m.ChooseUsername),
);

export const ConversationPane = conversation.Screen;
export const FriendsPanel = friends.Screen;
export const NewGroupPanel = newGroup.Screen;
export const AccountSettings = settings.Screen;
export const SignInPage = signIn.Screen;
export const ChooseUsername = chooseUsername.Screen;

/** How long after the list is shown the other screens' code starts loading (an open chat renders first). */
const PRELOAD_AFTER_MS = 1500;

/**
 * A while after the list is on screen, when the page is idle: the chat, then the other screens,
 * so opening one never waits.
 */
export function preloadScreensWhenIdle(): () => void {
  let idle: number | undefined;
  const run = (): void => {
    if (!backgroundLoadsAllowed()) return;
    void trackBackgroundLoad(
      conversation
        .preload()
        .then(() => Promise.all([friends.preload(), newGroup.preload(), settings.preload()]))
        // Only a head start: a chunk that cannot load now (offline, the service worker not yet
        // holding it) loads when its screen opens.
        .catch(() => {}),
    );
  };
  const timer = setTimeout(() => {
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(run, { timeout: 2000 });
    else run();
  }, PRELOAD_AFTER_MS);
  return () => {
    clearTimeout(timer);
    if (idle !== undefined) cancelIdleCallback(idle);
  };
}
