import { lazy } from 'react';

/**
 * The screens that are not the conversation list, each in its own chunk: the first paint of a
 * signed-in device needs only the shell, the session and the list, so nothing else is parsed
 * before it. The service worker precaches every chunk (vite.config.ts), so they load offline.
 */
const load = {
  conversation: () => import('../social/ConversationPane.tsx'),
  friends: () => import('../social/FriendsPanel.tsx'),
  newGroup: () => import('../social/NewGroupPanel.tsx'),
  settings: () => import('../accounts/settings/AccountSettings.tsx'),
  signIn: () => import('../accounts/SignInPage.tsx'),
  chooseUsername: () => import('../accounts/ChooseUsername.tsx'),
};

export const ConversationPane = lazy(() =>
  load.conversation().then((m) => ({ default: m.ConversationPane })),
);
export const FriendsPanel = lazy(() => load.friends().then((m) => ({ default: m.FriendsPanel })));
export const NewGroupPanel = lazy(() => load.newGroup().then((m) => ({ default: m.NewGroupPanel })));
export const AccountSettings = lazy(() => load.settings().then((m) => ({ default: m.AccountSettings })));
export const SignInPage = lazy(() => load.signIn().then((m) => ({ default: m.SignInPage })));
export const ChooseUsername = lazy(() => load.chooseUsername().then((m) => ({ default: m.ChooseUsername })));

/**
 * Starts loading the chunk the address opens on (a conversation's URL: the chat), beside the
 * main chunk's start rather than after the first render asks for it.
 */
export function preloadScreenOf(pathname: string): void {
  if (pathname.startsWith('/c/')) void load.conversation();
}

/** Once the list is on screen and the page is idle: the chat, then the other screens, so opening one never waits. */
export function preloadScreensWhenIdle(): () => void {
  const run = (): void => {
    void load.conversation().then(() => Promise.all([load.friends(), load.newGroup(), load.settings()]));
  };
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(run, { timeout: 2000 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(run, 500);
  return () => clearTimeout(handle);
}
