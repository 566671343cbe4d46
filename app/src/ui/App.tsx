import { useEffect, useSyncExternalStore } from 'react';
import { ChooseUsername } from '../accounts/ChooseUsername.tsx';
import { meStore } from '../accounts/me-store.ts';
import { AccountSettings } from '../accounts/settings/AccountSettings.tsx';
import { SignInPage } from '../accounts/SignInPage.tsx';
import { useMe } from '../accounts/use-me.ts';
import { updateStore } from '../pwa/update-store.ts';
import { ChatShell } from './shell/ChatShell.tsx';

/** Who is here decides the screen: sign in, choose a username, or the conversations. */
export function App() {
  const state = useMe();
  const activateUpdate = useSyncExternalStore(updateStore.subscribe, updateStore.getSnapshot);
  const signedIn = state.status === 'signed-in';

  // The sign-in page's address (with its ?error= or ?invite=) is left behind once signed in.
  useEffect(() => {
    if (signedIn && window.location.pathname === '/signin') window.history.replaceState(null, '', '/');
  }, [signedIn]);

  return (
    <>
      {state.status === 'loading' && <div className="h-full bg-canvas" aria-busy="true" />}
      {state.status === 'anonymous' && <SignInPage />}
      {state.status === 'signed-in' && state.me.username === null && <ChooseUsername me={state.me} />}
      {state.status === 'signed-in' && state.me.username !== null && (
        <ChatShell
          meId={state.me.id}
          settings={<AccountSettings me={state.me} />}
          onSignOut={() => void meStore.signOut()}
        />
      )}
      {activateUpdate && (
        <button
          type="button"
          onClick={activateUpdate}
          className="fixed right-4 bottom-4 rounded-xl bg-accent px-4 py-2 text-sm font-medium text-on-accent shadow-lg hover:bg-accent-strong"
        >
          A new version is ready: reload to update
        </button>
      )}
    </>
  );
}
