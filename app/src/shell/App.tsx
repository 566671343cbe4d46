import { Suspense, useEffect } from 'react';
import { meStore } from '../accounts/me-store.ts';
import { useMe } from '../accounts/use-me.ts';
import { useStore } from '../lib/use-store.ts';
import { updateOffer, type UpdateOffer } from '../pwa/update-store.ts';
import { DeviceSessionProvider } from '../session/index.ts';
import { serverEndedNotice } from '../session/index.ts';
import { AccountSettings, ChooseUsername, SignInPage } from './screens.tsx';
import { ChatShell } from './ChatShell.tsx';

const blank = <div className="h-full bg-canvas" aria-busy="true" />;

/** Who is here decides the screen: sign in, choose a username, or the conversations. */
export function App() {
  const state = useMe();
  const update = useStore(updateOffer);
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
        // One device session per user: a sign-out or another user disposes it with everything it held.
        <DeviceSessionProvider
          key={state.me.id}
          userId={state.me.id}
          options={{
            onProfileChanged: () => void meStore.refresh(),
            displayName: state.me.displayName || (state.me.username ?? ''),
            // Ended by the server: the data is gone already (or kept, expired), say why. Another tab: ask who we are.
            onSignedOut: (ended) =>
              ended ? meStore.signedOut(serverEndedNotice(ended)) : void meStore.refresh(),
          }}
        >
          <ChatShell
            meId={state.me.id}
            settings={<AccountSettings me={state.me} />}
            onSignOut={() => meStore.signOut()}
          />
        </DeviceSessionProvider>
      )}
      {update && <UpdateOfferNotice update={update} />}
    </>
  );
}

const noticeClass =
  'fixed right-4 bottom-4 rounded-xl bg-accent px-4 py-2 text-sm font-medium text-on-accent shadow-lg';

/** A new version: offered with a button, then "Updating…", or when it opens if not now. */
function UpdateOfferNotice({ update }: { update: UpdateOffer }) {
  if (update.state === 'ready')
    return (
      <button type="button" onClick={update.apply} className={`${noticeClass} hover:bg-accent-strong`}>
        A new version is ready: reload to update
      </button>
    );
  if (update.state === 'applying')
    return (
      <p role="status" className={noticeClass}>
        Updating…
      </p>
    );
  return (
    <p role="status" className={`${noticeClass} flex items-center gap-3`}>
      The new version opens the next time you start Messenjo.
      <button type="button" onClick={() => updateOffer.set(null)} className="underline">
        OK
      </button>
    </p>
  );
}
