import { Suspense, useEffect } from 'react';
import { useMe } from '../accounts/use-me.ts';
import { useStore } from '../lib/use-store.ts';
import { updateOffer, type UpdateOffer } from '../pwa/update-store.ts';
import { ChooseUsername, signInPage } from './screens.tsx';
import { signedInApp } from './signed-in-screen.ts';

const blank = <div className="h-full bg-canvas" aria-busy="true" />;

/** Who is here decides the screen: sign in, choose a username, or the conversations. */
export function App() {
  const state = useMe();
  const update = useStore(updateOffer);
  const signedIn = state.status === 'signed-in';
  const working = signedIn && state.me.username !== null;
  // The two first screens render once their code is here (blank until then), never through a
  // Suspense fallback: see `useCodeReady`. Each loads only when it is the screen to show.
  const signInReady = signInPage.useCodeReady(state.status === 'anonymous');
  const workingReady = signedInApp.useCodeReady(working);

  // The sign-in page's address (with its ?error= or ?invite=) is left behind once signed in.
  useEffect(() => {
    if (signedIn && window.location.pathname === '/signin') window.history.replaceState(null, '', '/');
  }, [signedIn]);

  let screen = blank;
  if (state.status === 'anonymous') {
    if (signInReady) screen = <signInPage.Screen notice={state.notice} />;
  } else if (state.status === 'signed-in') {
    if (state.me.username === null) screen = <ChooseUsername me={state.me} />;
    else if (workingReady) screen = <signedInApp.Screen me={state.me} />;
  }
  return (
    <>
      <Suspense fallback={blank}>{screen}</Suspense>
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
