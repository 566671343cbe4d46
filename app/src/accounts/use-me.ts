import { useEffect, useSyncExternalStore } from 'react';
import { meStore, type MeState } from './me-store.ts';

/** The signed-in state, asked of the server once on start. */
export function useMe(): MeState {
  const state = useSyncExternalStore(meStore.subscribe, meStore.getSnapshot);
  useEffect(() => {
    void meStore.refresh();
  }, []);
  return state;
}
