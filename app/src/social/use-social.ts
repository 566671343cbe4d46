import { useEffect, useSyncExternalStore } from 'react';
import { socialStore, type SocialState } from './social-store.ts';

/** The social lists, loaded on first use and refreshed whenever the window regains focus. */
export function useSocial(): SocialState {
  const state = useSyncExternalStore(socialStore.subscribe, socialStore.getSnapshot);
  useEffect(() => {
    void socialStore.refresh();
    const onFocus = (): void => void socialStore.refresh();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, []);
  return state;
}
