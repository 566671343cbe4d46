import { lazy, useEffect, useState, type ComponentType } from 'react';
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
  useCodeReady: (wanted: boolean) => boolean;
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
  /**
   * Whether the screen's code is here; if not and it is `wanted`, loads it and renders again
   * once it is. A first
   * screen renders blank until then instead of suspending: React holds back a Suspense
   * boundary's content until 300 ms after its fallback appeared (its reveal throttle), and the
   * first screen's fallback is the blank page, so suspending delayed the first paint by up to
   * that (seen in Lighthouse's traces of the sign-in page). A failed load answers ready: the
   * screen's own lazy import then asks again and fails as it always did.
   */
  function useCodeReady(wanted: boolean): boolean {
    const [ready, setReady] = useState(() => loaded !== undefined);
    useEffect(() => {
      if (ready || !wanted) return;
      let live = true;
      const done = (): void => {
        if (live) setReady(true);
      };
      preload().then(done, done);
      return () => {
        live = false;
      };
    }, [ready, wanted]);
    return ready;
  }
  return { Screen, preload, useCodeReady };
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
/** The sign-in page's code, loaded as a first screen (App renders it without suspending). */
export const signInPage = signIn;

export const ConversationPane = conversation.Screen;
export const FriendsPanel = friends.Screen;
export const NewGroupPanel = newGroup.Screen;
export const AccountSettings = settings.Screen;
export const SignInPage = signIn.Screen;
export const ChooseUsername = chooseUsername.Screen;

/** How long after the list is shown the other screens' code starts loading (an open chat renders first). */
const PRELOAD_AFTER_MS = 1500;

/** Resolves when the page is next idle (at once where the browser cannot tell). */
function nextIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 2000 });
    else resolve();
  });
}

/**
 * A while after the list is on screen, when the page is idle: the chat, then the other screens,
 * so opening one never waits. One screen per idle moment: loaded together, their modules ran in
 * one long task (friends, new group and settings with zod: ~30 ms, counted as blocking time by
 * Lighthouse, docs/benchmarks.md).
 */
export function preloadScreensWhenIdle(): () => void {
  let stopped = false;
  const run = async (): Promise<void> => {
    for (const screen of [conversation, friends, newGroup, settings]) {
      await nextIdle();
      if (stopped || !backgroundLoadsAllowed()) return;
      // Only the loads are tracked (an update waits for them), not the idle moments between.
      await trackBackgroundLoad(screen.preload());
    }
  };
  const timer = setTimeout(() => {
    // Only a head start: a chunk that cannot load now (offline, the service worker not yet
    // holding it) loads when its screen opens.
    run().catch(() => {});
  }, PRELOAD_AFTER_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
