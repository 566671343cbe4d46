import { onUnauthenticated } from '../api/client.ts';
import { deleteLocalData } from './local-index/schema.ts';

/** Why the server ended this device's session: the sync close reasons, and an HTTP 401 (`unauthenticated`). */
export type ServerEnded = 'session_revoked' | 'user_deleted' | 'unauthenticated';

export function isServerEnded(value: unknown): value is ServerEnded {
  return value === 'session_revoked' || value === 'user_deleted' || value === 'unauthenticated';
}

/** What the sign-in page says after the server ended the session and the device was wiped. */
export function serverEndedNotice(reason: ServerEnded): string {
  switch (reason) {
    case 'user_deleted':
      return 'The account was deleted. Its data has been removed from this device.';
    case 'session_revoked':
      return 'This device was signed out from another device. Its messages have been removed from it; sign in to get them back.';
    case 'unauthenticated':
      return 'You were signed out of this device (from another device, or the session ended). Its messages have been removed from it; sign in to get them back.';
  }
}

const signOutChannelName = (userId: string): string => `messenjo-signed-out-${userId}`;

export interface SessionEndOptions {
  userId: string;
  /** Stops the session: stores, socket, open databases (shared by concurrent callers). */
  dispose: () => Promise<void>;
  /**
   * This user is signed out of this device: by the server (`ended`: revoked, account deleted,
   * session gone — the user's data is already removed from the device), or in another tab.
   */
  onSignedOut?: (ended?: ServerEnded) => void;
  /** Hear the 401s of the app's own API requests (off where a test fetches for the session). */
  hearUnauthenticated: boolean;
}

/**
 * How a device session ends when it is not the person's choice here: the server ended it (the
 * socket closed `session_revoked` / `user_deleted` / `unauthenticated`, or an API request was
 * answered 401), or another tab of this user signed out. The one place that decides what that
 * costs: today the same as signing out, without the choice — every tab of the user stops
 * writing (the sign-out channel carries the reason), both databases are deleted, and the
 * sign-in page says why.
 */
export class SessionEnd {
  /** This user's data was removed from the device (here or in another tab): write nothing more. */
  wiped = false;
  private ending: Promise<void> | null = null;
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly options: SessionEndOptions) {
    // Another tab signed this user out and removes the data: stop writing and leave too.
    if (typeof BroadcastChannel !== 'undefined') {
      const channel = new BroadcastChannel(signOutChannelName(options.userId));
      channel.onmessage = (event: MessageEvent<unknown>) => {
        this.wiped = true;
        void options.dispose();
        options.onSignedOut?.(isServerEnded(event.data) ? event.data : undefined);
      };
      this.disposers.push(() => channel.close());
    }
    // Any API call answered 401: the session is gone on the server.
    if (options.hearUnauthenticated)
      this.disposers.push(onUnauthenticated(() => void this.endedByServer('unauthenticated')));
  }

  /**
   * Before this user's data is removed: this session and the user's sessions in other tabs
   * stop writing (a late write would bring a deleted database back).
   */
  async disposeForWipe(ended?: ServerEnded): Promise<void> {
    if (typeof BroadcastChannel !== 'undefined') {
      const channel = new BroadcastChannel(signOutChannelName(this.options.userId));
      channel.postMessage(ended ?? 'wiped');
      channel.close();
    }
    this.wiped = true;
    await this.options.dispose();
  }

  /**
   * The server ended this device's session (revoked from another device, account deleted, an
   * HTTP 401): whatever is unsent can no longer be sent by this session, and a device signed
   * out remotely (lost, shared) must not keep the conversations. Stops every tab of the user,
   * deletes both databases, then reports.
   */
  endedByServer(reason: ServerEnded): Promise<void> {
    return (this.ending ??= (async () => {
      await this.disposeForWipe(reason);
      await deleteLocalData(this.options.userId).catch((error: unknown) =>
        console.warn('local data not removed', error),
      );
      this.options.onSignedOut?.(reason);
    })());
  }

  close(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }
}
