import type { MeResponse } from '@messenjo/shared';
import { useEffect } from 'react';
import { meStore } from '../accounts/me-store.ts';
import { DeviceSessionProvider, serverEndedNotice } from '../session/index.ts';
import { saveScreenSnapshots } from '../pwa/snapshot-saver.ts';
import { ChatShell } from './ChatShell.tsx';
import { AccountSettings } from './screens.tsx';

/**
 * The signed-in app: the device session and the conversations. A chunk of its own (loaded by
 * App through screens.tsx), so the sign-in page never fetches, compiles or evaluates it; a
 * device that starts signed in has it preloaded by boot.ts and awaited before the first render
 * (start-app.tsx), so its first paint never waits on it.
 */
export function SignedInApp(props: { me: MeResponse }) {
  const { me } = props;
  // The painted list or conversation, kept for the next start's first paint (pwa/, issue 15).
  useEffect(() => saveScreenSnapshots(me.id), [me.id]);
  return (
    // One device session per user: a sign-out or another user disposes it with everything it held.
    <DeviceSessionProvider
      key={me.id}
      userId={me.id}
      options={{
        onProfileChanged: () => void meStore.refresh(),
        displayName: me.displayName || (me.username ?? ''),
        // Ended by the server: the data is gone already (or kept, expired), say why. Another tab: ask who we are.
        onSignedOut: (ended) =>
          ended ? meStore.signedOut(serverEndedNotice(ended)) : void meStore.refresh(),
      }}
    >
      <ChatShell meId={me.id} settings={<AccountSettings me={me} />} onSignOut={() => meStore.signOut()} />
    </DeviceSessionProvider>
  );
}
