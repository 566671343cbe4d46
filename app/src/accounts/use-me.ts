import { useEffect } from 'react';
import { useStore } from '../lib/use-store.ts';
import { meStore, type MeState } from './me-store.ts';

/** The signed-in state, asked of the server once on start. */
export function useMe(): MeState {
  const state = useStore(meStore.state);
  useEffect(() => {
    void meStore.refresh();
  }, []);
  return state;
}
