import { Suspense, useEffect } from 'react';
import { useMe } from '../accounts/use-me.ts';
import { useStore } from '../lib/use-store.ts';
import { updateWaiting } from '../pwa/update-store.ts';
import { ChooseUsername, SignedInApp, SignInPage } from './screens.tsx';

const blank = <div className="h-full bg-canvas" aria-busy="true" />;

/** Who is here decides the screen: sign in, choose a username, or the conversations. */
export function App() {
  const state = useMe();
  const activateUpdate = useStore(updateWaiting);
  const signedIn = state.status === 'signed-in';

  // The sign-in page's address (with its ?error= or ?invite=) is left behind once signed in.
  useEffect(() => {
    if (signedIn && window.location.pathname === '/signin') window.history.replaceState(null, '', '/');
  }, [signedIn]);

  return (
    <>
      {state.status === 'loading' && blank}
      {state.status === 'anonymous' && (
        <Suspense fallback={blank}>
          <SignInPage notice={state.notice} />
        </Suspense>
      )}
      {state.status === 'signed-in' && state.me.username === null && (
        <Suspense fallback={blank}>
          <ChooseUsername me={state.me} />
        </Suspense>
      )}
      {state.status === 'signed-in' && state.me.username !== null && (
        <Suspense fallback={blank}>
          <SignedInApp me={state.me} />
        </Suspense>
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
