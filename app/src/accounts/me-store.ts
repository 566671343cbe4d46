import type { MeResponse, SessionStateResponse } from '@messenjo/shared';
import { api, setUnauthenticatedHandler } from '../api/client.ts';

/**
 * Who is signed in on this device, framework-free (React reads it with useSyncExternalStore).
 * The last known profile is kept in localStorage so the app opens offline straight into the
 * conversations; the server stays the authority (a 401 signs the device out).
 */
export type MeState =
  { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; me: MeResponse; offline: boolean };

const CACHE_KEY = 'messenjo.me';

function cached(): MeResponse | null {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    return raw ? (JSON.parse(raw) as MeResponse) : null;
  } catch {
    return null;
  }
}

let state: MeState = { status: 'loading' };
const listeners = new Set<() => void>();

function set(next: MeState): void {
  state = next;
  if (next.status === 'signed-in') localStorage.setItem(CACHE_KEY, JSON.stringify(next.me));
  if (next.status === 'anonymous') localStorage.removeItem(CACHE_KEY);
  for (const listener of listeners) listener();
}

export const meStore = {
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot: (): MeState => state,

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

  /** The session ended elsewhere (deleted account, signed out from another device). */
  signedOut(): void {
    if (state.status !== 'anonymous') set({ status: 'anonymous' });
  },
};

// Any 401 from the API means this device is no longer signed in: show the sign-in page.
setUnauthenticatedHandler(() => meStore.signedOut());
