import type { DeviceSession } from './device-session.ts';
import { deleteLocalData } from './local-index/schema.ts';

/** The warning before signing out while changes still wait to be sent (they would be lost). */
export function unsentWarning(unsent: number): string | null {
  if (unsent === 0) return null;
  const what = unsent === 1 ? '1 message or change has' : `${unsent} messages or changes have`;
  return `${what} not been sent yet (this device is offline or still syncing). Signing out removes this account's data from this device, so they will be lost. Sign out anyway?`;
}

/**
 * Signs this device out: asks first when something is unsent, then stops syncing and removes
 * the user's data from the device (the index and the documents with their outbox) before the
 * server ends the session. Returns false when the person chose to stay.
 */
export async function signOutOfDevice(
  session: DeviceSession,
  endServerSession: () => Promise<void>,
  confirm: (message: string) => boolean = (message) => window.confirm(message),
): Promise<boolean> {
  const warning = unsentWarning(session.unsent.get());
  if (warning !== null && !confirm(warning)) return false;
  await session.disposeForWipe();
  await deleteLocalData(session.userId).catch((error: unknown) =>
    console.warn('local data not removed', error),
  );
  await endServerSession();
  return true;
}
