import type { MeResponse } from '@messenjo/shared';
import { meStore } from '../accounts/me-store.ts';
import { DeviceSessionProvider } from '../session/context.tsx';
import { serverEndedNotice } from '../session/server-ended.ts';
import { AccountSettings } from './screens.tsx';
import { ChatShell } from './shell/ChatShell.tsx';

/**
 * Everything a signed-in person runs: the device session (sync client, Yjs, Dexie) and the
 * shell. Its own chunk (ui/screens.tsx), so the sign-in page never loads it; a device that was
 * signed in starts loading it with the page (boot.ts).
 */
export function SignedInApp(props: { me: MeResponse }) {
  const { me } = props;
  return (
    // One device session per user: a sign-out or another user disposes it with everything it held.
    <DeviceSessionProvider
      key={me.id}
      userId={me.id}
      options={{
        onProfileChanged: () => void meStore.refresh(),
        // Ended by the server: the data is gone already, say why. Another tab: ask who we are.
        onSignedOut: (ended) =>
          ended ? meStore.signedOut(serverEndedNotice(ended)) : void meStore.refresh(),
      }}
    >
      <ChatShell meId={me.id} settings={<AccountSettings me={me} />} onSignOut={() => meStore.signOut()} />
    </DeviceSessionProvider>
  );
}
