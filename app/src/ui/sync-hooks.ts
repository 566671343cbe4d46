import { useSyncExternalStore } from 'react';
import type { SyncStatus } from '../sync/status.ts';
import type { SyncClient } from '../sync/sync-client.ts';

/** The connection status, re-rendering on change. */
export function useSyncStatus(client: SyncClient): SyncStatus {
  return useSyncExternalStore(client.status.subscribe, client.status.get);
}

/** Local changes not yet stored by the server, over all documents ("3 waiting to send"). */
export function usePendingCount(client: SyncClient): number {
  return useSyncExternalStore(client.pendingTotal.subscribe, client.pendingTotal.get);
}
