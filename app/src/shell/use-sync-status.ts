import { useStore } from '../lib/use-store.ts';
import { useDeviceSession, type SyncStatus } from '../session/index.ts';

/** The device's connection status, re-rendering on change. */
export function useSyncStatus(): SyncStatus {
  return useStore(useDeviceSession().status);
}

/** Local changes not yet stored by the server, over all documents ("3 waiting to send"). */
export function usePendingCount(): number {
  return useStore(useDeviceSession().pendingTotal);
}
