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
