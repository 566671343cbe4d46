import type { FriendsResponse } from '@messenjo/shared';
import { useMemo } from 'react';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import { socialActions } from './actions.ts';

/** The friends lists: from the device first, then as the server answers. */
export function useFriends(): FriendsResponse {
  return useStore(useDeviceSession().friends).lists;
}

/** The social actions bound to this device's session. */
export function useSocialActions(): ReturnType<typeof socialActions> {
  const session = useDeviceSession();
  return useMemo(() => socialActions(session), [session]);
}
