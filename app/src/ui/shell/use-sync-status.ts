import { useStore } from '../../lib/use-store.ts';
import type { SyncClient, SyncStatus } from '../../sync/index.ts';

/** The connection status, re-rendering on change. */
export function useSyncStatus(client: SyncClient): SyncStatus {
  return useStore(client.status);
}

/** Local changes not yet stored by the server, over all documents ("3 waiting to send"). */
export function usePendingCount(client: SyncClient): number {
  return useStore(client.pendingTotal);
}
