import type { UserEvent } from '@messenjo/shared';
import { meStore } from '../accounts/me-store.ts';
import { socialStore } from '../social/social-store.ts';
import { broadcastTabChannel, electSocketLeader, IndexedDbPersistence, SyncClient } from '../sync/index.ts';

/** What one signed-in device runs: the sync socket, its stored documents, and the reactions to user events. */
export interface DeviceSync {
  client: SyncClient;
  stop(): Promise<void>;
}

function syncUrl(): string {
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/sync`;
}

/**
 * Starts syncing for the signed-in user. Documents are stored per user (a second account on the
 * same browser never sees the first one's), tabs of the device elect one socket holder, and
 * user events refresh what they change: friends and conversation lists, the profile, or, when
 * the session is revoked, the sign-in state.
 */
export function startDeviceSync(userId: string): DeviceSync {
  const tabs = broadcastTabChannel(`messenjo-tabs-${userId}`);
  const client = new SyncClient({
    url: syncUrl(),
    persistence: new IndexedDbPersistence(`messenjo-sync-${userId}`),
    tabs,
    onError: (error) => console.warn('sync', error),
  });
  const disposers = [
    client.onEvent((event: UserEvent) => {
      void socialStore.refresh();
      if (event.type === 'user.changed') void meStore.refresh();
    }),
    client.status.subscribe(() => {
      // The server closed the socket for a revoked session or a deleted account.
      if (client.status.get() === 'signed_out') void meStore.refresh();
      // Back online: catch up on whatever changed while away.
      if (client.status.get() === 'online') void socialStore.refresh();
    }),
  ];
  const resign = electSocketLeader(client);
  client.start();
  return {
    client,
    async stop() {
      for (const dispose of disposers) dispose();
      resign();
      await client.stop();
      tabs.close();
    },
  };
}
