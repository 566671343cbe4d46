import { useEffect, useState } from 'react';
import type { SyncClient } from '../sync/index.ts';
import { startDeviceSync } from './device-sync.ts';

/** Runs the device's sync while the user is signed in; stops it on sign-out or user change. */
export function useDeviceSync(userId: string): SyncClient | null {
  const [client, setClient] = useState<SyncClient | null>(null);
  useEffect(() => {
    const sync = startDeviceSync(userId);
    // Published after mount, so a strict-mode double start never leaks a socket.
    const timer = setTimeout(() => setClient(sync.client), 0);
    return () => {
      clearTimeout(timer);
      setClient(null);
      void sync.stop();
    };
  }, [userId]);
  return client;
}
