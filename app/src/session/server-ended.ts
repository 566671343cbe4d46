import { onUnauthenticated } from '../api/client.ts';
import { rememberExpired } from './expired-account.ts';
import { isServerEnded, onServerEnded, type ServerEnded } from './kept-data.ts';
import { deleteLocalData } from './local-index/schema.ts';

export type { ServerEnded } from './kept-data.ts';

/** What the sign-in page says after the server ended the session and the device was wiped. */
export function serverEndedNotice(reason: ServerEnded): string {
  switch (reason) {
    case 'user_deleted':
      return 'The account was deleted. Its data has been removed from this device.';
    case 'session_revoked':
      return 'This device was signed out from another device. Its messages have been removed from it; sign in to get them back.';
    // SE1: the data stays; the sign-in page names the person and counts the unsent messages.
    case 'session_expired':
      return 'Your session expired. Sign in again: your conversations and unsent messages are kept on this device.';
    case 'unauthenticated':
      return 'You were signed out of this device (from another device, or the session ended). Its messages have been removed from it; sign in to get them back.';
  }
}

/**
 * What the sign-in page says after an expiry (SE1): whose session, and how many messages wait in
 * the kept outbox (`unsent`; null while it is being counted).
 */
export function expiredNotice(name: string, unsent: number | null): string {
  const again = name ? `Sign in again as ${name}` : 'Sign in again';
  if (!unsent) return `Your session expired. ${again}: your conversations are kept on this device.`;
  const what = unsent === 1 ? '1 unsent message' : `${unsent} unsent messages`;
  return `Your session expired. ${again} to send your ${what}.`;
}

const signOutChannelName = (userId: string): string => `messenjo-signed-out-${userId}`;

/** Tells the user's sessions in other tabs why this one ended (they stop writing and leave too). */
function tellOtherTabs(userId: string, message: ServerEnded | 'wiped'): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(signOutChannelName(userId));
  channel.postMessage(message);
  channel.close();
}

/** The `SessionEnd` of each user whose device session is up in this tab. */
const liveEnds = new Map<string, SessionEnd>();

/**
 * The server answered the start's question "no one" while this tab showed the device's copy of
 * `userId`'s profile: her session ended while the app was closed (me-store.ts). Her device
 * session, when it is up, ends as after any 401 (`SessionEnd.endedByServer`). When it is not up
 * yet (its code still loading on a busy device), the same is done here: the data of a session
 * signed out remotely never stays on the device, and an expired one's is kept for her, named.
 * Resolves once that is done.
 */
export async function endedWhileAway(
  userId: string,
  name: string,
  reason: ServerEnded,
  /** Without a live session, called before anything is removed: the page leaves the account, so no session of it starts meanwhile. */
  leave: () => void,
): Promise<void> {
  const live = liveEnds.get(userId);
  if (live) return live.endedByServer(reason);
  if (onServerEnded(reason) === 'keep') rememberExpired(userId, name);
  leave();
  if (onServerEnded(reason) === 'keep') return;
  tellOtherTabs(userId, reason);
  await deleteLocalData(userId).catch((error: unknown) => console.warn('local data not removed', error));
}

export interface SessionEndOptions {
  userId: string;
  /** The user's name, as the sign-in page asks for the person after an expiry. */
  name: () => string;
  /** Stops the session: stores, socket, open databases (shared by concurrent callers). */
  dispose: () => Promise<void>;
  /**
   * This user is signed out of this device: by the server (`ended`: revoked, account deleted,
   * session gone — the user's data is already removed from the device; expired — it is kept),
   * or in another tab.
   */
  onSignedOut?: (ended?: ServerEnded) => void;
  /** Hear the 401s of the app's own API requests (off where a test fetches for the session). */
  hearUnauthenticated: boolean;
}

/**
 * How a device session ends when it is not the person's choice here: the server ended it (the
 * socket closed `session_revoked` / `user_deleted` / `unauthenticated` / `session_expired`, or
 * an API request was answered 401 with a code), or another tab of this user ended it. The one
 * place that acts on what that costs (kept-data.ts decides): every tab of the user stops
 * writing (the sign-out channel carries the reason); an expiry keeps both databases, outbox
 * included, and remembers whose they are (expired-account.ts); anything else deletes them. The
 * sign-in page then says why.
 */
export class SessionEnd {
  /** This user's data was removed from the device (here or in another tab): write nothing more. */
  wiped = false;
  private ending: Promise<void> | null = null;
  private toldOthers = false;
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly options: SessionEndOptions) {
    liveEnds.set(options.userId, this);
    // Another tab ended this user's session: stop writing and leave too (its data is removed
    // there, unless the session expired: then it stays for the next sign-in).
    if (typeof BroadcastChannel !== 'undefined') {
      const channel = new BroadcastChannel(signOutChannelName(options.userId));
      channel.onmessage = (event: MessageEvent<unknown>) => {
        // This tab's own word comes back on a channel of the same name: it acted already.
        if (this.toldOthers) return;
        const ended = isServerEnded(event.data) ? event.data : undefined;
        this.wiped = ended === undefined || onServerEnded(ended) === 'wipe';
        void options.dispose();
        options.onSignedOut?.(ended);
      };
      this.disposers.push(() => channel.close());
    }
    // Any API call answered 401: the session is gone on the server (expired, or signed out).
    if (options.hearUnauthenticated)
      this.disposers.push(onUnauthenticated((code) => void this.endedByServer(code)));
  }

  /**
   * Before this user's data is removed: this session and the user's sessions in other tabs
   * stop writing (a late write would bring a deleted database back).
   */
  async disposeForWipe(ended?: ServerEnded): Promise<void> {
    this.tellOtherTabs(ended ?? 'wiped');
    this.wiped = true;
    await this.options.dispose();
  }

  /**
   * The server ended this device's session. Expired (SE1): whatever is unsent waits in the kept
   * outbox for the same person's next sign-in; the record of whose it is comes first, so the
   * sign-in page can name her. Otherwise (revoked from another device, account deleted, an
   * HTTP 401 `unauthenticated`): a device signed out remotely (lost, shared) must not keep the
   * conversations, so both databases are deleted. Every tab of the user stops, then it reports.
   */
  endedByServer(reason: ServerEnded): Promise<void> {
    return (this.ending ??= (async () => {
      if (onServerEnded(reason) === 'keep') {
        rememberExpired(this.options.userId, this.options.name());
        this.tellOtherTabs(reason);
        await this.options.dispose();
      } else {
        await this.disposeForWipe(reason);
        await deleteLocalData(this.options.userId).catch((error: unknown) =>
          console.warn('local data not removed', error),
        );
      }
      this.options.onSignedOut?.(reason);
    })());
  }

  private tellOtherTabs(message: ServerEnded | 'wiped'): void {
    this.toldOthers = true;
    tellOtherTabs(this.options.userId, message);
  }

  close(): void {
    if (liveEnds.get(this.options.userId) === this) liveEnds.delete(this.options.userId);
    for (const dispose of this.disposers.splice(0)) dispose();
  }
}
