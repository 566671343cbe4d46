import type { Unauthenticated } from '../api/client.ts';

/** Why the server ended this device's session: the sync close reasons, and an HTTP 401 (`unauthenticated`). */
export type ServerEnded = 'session_revoked' | 'user_deleted' | 'unauthenticated' | 'session_expired';

export function isServerEnded(value: unknown): value is ServerEnded {
  return (
    value === 'session_revoked' ||
    value === 'user_deleted' ||
    value === 'unauthenticated' ||
    value === 'session_expired'
  );
}

/**
 * What an ended session costs the device, decided in one place (SE1 in docs/protocol.md), pure
 * so it is unit-tested without a browser. An expiry keeps the account's data and unsent
 * messages for the same person's next sign-in; everything else the server says (revoked from
 * another device, account deleted, session unknown) wipes them: a device signed out remotely
 * may be lost or shared.
 */
export function onServerEnded(reason: ServerEnded): 'keep' | 'wipe' {
  return reason === 'session_expired' ? 'keep' : 'wipe';
}

/** The account whose session expired on this device, whose data the device still holds. */
export interface ExpiredAccount {
  userId: string;
  /** Its display name when it expired: the sign-in page asks for that person. */
  name: string;
  expiredAt: number;
}

/** What happened since: someone signed in on this device, or the server answered "no one" and why. */
export type DeviceEvent = { signedIn: string } | { signedOut: Unauthenticated };

/**
 * What becomes of the data an expired session kept (`kept`) when `event` happens:
 * - `reopen`: the same person signed in again; the device opens the kept databases and the
 *   outbox goes out. The record is dropped.
 * - `wipe`: a different account signed in (it must never see the previous one's messages or
 *   send its outbox), or the server no longer calls the session expired (revoked meanwhile:
 *   "sign out everywhere else" ends expired sessions too, SE2). The data goes first.
 * - `wait`: nothing changes (nothing kept, or still expired).
 */
export function keptDataFate(kept: ExpiredAccount | null, event: DeviceEvent): 'reopen' | 'wipe' | 'wait' {
  if (!kept) return 'wait';
  if ('signedIn' in event) return event.signedIn === kept.userId ? 'reopen' : 'wipe';
  return event.signedOut === 'session_expired' ? 'wait' : 'wipe';
}
