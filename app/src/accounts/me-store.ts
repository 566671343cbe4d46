import type { MeResponse, SessionStateResponse } from '@messenjo/shared';
import { api, onUnauthenticated, sessionReplaced, type Unauthenticated } from '../api/client.ts';
import { Store } from '../lib/store.ts';
import type { DeviceEvent } from '../session/index.ts';

/**
 * Who is signed in on this device, framework-free (a Store, read with useStore).
 * The last known profile is kept in localStorage so the app opens offline straight into the
 * conversations; the server stays the authority (a 401 signs the device out).
 */
export type MeState =
  | { status: 'loading' }
  /** `notice`: why this device was signed out when the server ended its session. */
  | { status: 'anonymous'; notice?: string }
  /** `offline`: the device's copy, not (yet) confirmed by the server. */
  | { status: 'signed-in'; me: MeResponse; offline: boolean };

const CACHE_KEY = 'messenjo.me';

/**
 * What an expired session left on the device is settled before any account opens (SE1,
 * session/expired-account.ts). Imported when first needed: boot.ts reads this store first
 * thing, before the session's modules are evaluated (the shell has loaded them by then).
 */
async function settleKeptData(event: DeviceEvent): Promise<void> {
  const session = await import('../session/index.ts');
  await session.settleKeptData(event);
}

/** `me`'s session ended while the app was closed (`refresh`): her data settled, the sign-in page says why. */
async function endedWhileAway(me: MeResponse, code: Unauthenticated): Promise<void> {
  const session = await import('../session/index.ts');
  const leave = (): void => meStore.signedOut(session.serverEndedNotice(code));
  await session.endedWhileAway(me.id, me.displayName || (me.username ?? ''), code, leave);
  leave();
}

function cached(): MeResponse | null {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    return raw ? (JSON.parse(raw) as MeResponse) : null;
  } catch {
    return null;
  }
}

/**
 * A device that was signed in starts signed in, from its copy: the conversations paint from the
 * device without waiting for the server's answer (which follows, and may still sign it out).
 */
const lastKnown = cached();
const state = new Store<MeState>(
  lastKnown ? { status: 'signed-in', me: lastKnown, offline: true } : { status: 'loading' },
);

/** The start's question to the server, asked by boot.ts and not yet taken by `refresh`. */
let early: Promise<SessionStateResponse> | undefined;

function set(next: MeState): void {
  if (next.status === 'signed-in') {
    const saved = JSON.stringify(next.me);
    const current = state.get();
    // The server confirming the profile the device started with keeps the same object: screens
    // that read it do not render again.
    if (current.status === 'signed-in' && JSON.stringify(current.me) === saved)
      next = { ...next, me: current.me };
    localStorage.setItem(CACHE_KEY, saved);
  }
  if (next.status === 'anonymous') localStorage.removeItem(CACHE_KEY);
  state.set(next);
}

/** Anonymous, keeping a notice already shown (a late answer must not take it away). */
function toAnonymous(): void {
  if (state.get().status !== 'anonymous') set({ status: 'anonymous' });
}

export const meStore = {
  state,

  /**
   * The start's question, asked by boot.ts before React is evaluated: the shell's first `refresh`
   * (`useMe`) takes this answer instead of asking again. Only the request: what the answer
   * means for the device (kept data, the state) is settled by that `refresh`, once the shell
   * and the session's code are there.
   */
  askEarly(): Promise<SessionStateResponse> {
    early ??= api<SessionStateResponse>('/api/auth/session');
    // Handled by the refresh that takes it; never an unhandled rejection meanwhile.
    early.catch(() => undefined);
    return early;
  },

  /**
   * Asks the server who we are; offline, falls back to the cached profile. What an expired
   * session kept on the device is settled first (session/expired-account.ts): reopened by the
   * same person, removed for anyone else or once the session is no longer merely expired.
   */
  async refresh(): Promise<void> {
    let answer: SessionStateResponse;
    const asked = early;
    early = undefined;
    try {
      answer = await (asked ?? api<SessionStateResponse>('/api/auth/session'));
    } catch {
      const me = cached();
      if (me) set({ status: 'signed-in', me, offline: true });
      else toAnonymous();
      return;
    }
    const { me, sessionExpired } = answer;
    const code = sessionExpired ? 'session_expired' : 'unauthenticated';
    await settleKeptData(me ? { signedIn: me.id } : { signedOut: code });
    const current = state.get();
    if (me) set({ status: 'signed-in', me, offline: false });
    // Signed in here (from the device's copy, say) but not on the server: the session ended
    // while the app was closed or away. The same as a 401 with that code, whether or not the
    // device session is up yet (it may still be loading: the answer came first, and only the
    // session heard 401s): the data of an expired session is kept (and the sign-in page asks
    // for the person), anything else's is removed; the copy is never signed in again.
    else if (current.status === 'signed-in') await endedWhileAway(current.me, code);
    else toAnonymous();
  },

  /**
   * Signed in on this page (a passkey): a different account than the one an expired session
   * left on the device has that data removed first; the same one reopens it.
   */
  async signedIn(me: MeResponse): Promise<void> {
    sessionReplaced();
    await settleKeptData({ signedIn: me.id });
    set({ status: 'signed-in', me, offline: false });
  },

  /** After a call that answered with the fresh profile (profile change, username chosen). */
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
// device session, listening too, keeps the user's data after an expiry or removes it).
onUnauthenticated(() => meStore.signedOut());
