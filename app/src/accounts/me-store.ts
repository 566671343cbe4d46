import type { MeResponse, SessionStateResponse } from '@messenjo/shared';
import { api, onUnauthenticated } from '../api/client.ts';
import { Store } from '../lib/store.ts';

/**
 * Who is signed in on this device, framework-free (a Store, read with useStore).
 * The last known profile is kept in localStorage so the app opens offline straight into the
 * conversations; the server stays the authority (a 401 signs the device out).
 */
export type MeState =
  | { status: 'loading' }
  /** `notice`: why this device was signed out when the server ended its session. */
  | { status: 'anonymous'; notice?: string }
  | { status: 'signed-in'; me: MeResponse; offline: boolean };

const CACHE_KEY = 'messenjo.me';

function cached(): MeResponse | null {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    return raw ? (JSON.parse(raw) as MeResponse) : null;
  } catch {
    return null;
  }
}

const state = new Store<MeState>({ status: 'loading' });

function set(next: MeState): void {
  if (next.status === 'signed-in') localStorage.setItem(CACHE_KEY, JSON.stringify(next.me));
  if (next.status === 'anonymous') localStorage.removeItem(CACHE_KEY);
  state.set(next);
}

export const meStore = {
  state,

  /** Asks the server who we are; offline, falls back to the cached profile. */
  async refresh(): Promise<void> {
    try {
      const { me } = await api<SessionStateResponse>('/api/auth/session');
      set(me ? { status: 'signed-in', me, offline: false } : { status: 'anonymous' });
    } catch {
      const me = cached();
      set(me ? { status: 'signed-in', me, offline: true } : { status: 'anonymous' });
    }
  },

  /** After a call that answered with the fresh profile (sign-in, profile change). */
  update(me: MeResponse): void {
    set({ status: 'signed-in', me, offline: false });
  },

  async signOut(): Promise<void> {
    await api('/api/auth/sign-out', { method: 'POST' }).catch(() => undefined);
    set({ status: 'anonymous' });
  },

  /** The session ended elsewhere (deleted account, signed out from another device); `notice` says so. */
  signedOut(notice?: string): void {
    const current = state.get();
    if (current.status !== 'anonymous')
      set(notice ? { status: 'anonymous', notice } : { status: 'anonymous' });
    else if (notice && current.notice !== notice) set({ status: 'anonymous', notice });
  },
};

// Any 401 from the API means this device is no longer signed in: show the sign-in page (the
// device session, listening too, removes the user's data from the device).
onUnauthenticated(() => meStore.signedOut());
