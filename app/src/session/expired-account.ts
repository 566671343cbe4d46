import { Store } from '../lib/store.ts';
import { syncDbName } from '../sync/constants.ts';
import { keptDataFate, type DeviceEvent, type ExpiredAccount } from './kept-data.ts';
import { deleteLocalData } from './local-index/schema.ts';

/**
 * The one small record of whose data this device keeps after a session expired (SE1): user id
 * and name, in localStorage so the sign-in page reads it at once, before anything else loads.
 * The data itself stays in the account's own databases, closed, until that person signs in again.
 */
const KEY = 'messenjo.expired';

function read(): ExpiredAccount | null {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
    const value = raw ? (JSON.parse(raw) as Partial<ExpiredAccount>) : null;
    return value && typeof value.userId === 'string' && typeof value.name === 'string'
      ? { userId: value.userId, name: value.name, expiredAt: value.expiredAt ?? 0 }
      : null;
  } catch {
    return null;
  }
}

/** Whose data this device keeps for the next sign-in, or null. */
export const expiredAccount = new Store<ExpiredAccount | null>(read());

// Another tab's session end writes the record: this tab's sign-in page shows it too.
if (typeof window !== 'undefined')
  window.addEventListener('storage', (event) => {
    if (event.key === KEY || event.key === null) expiredAccount.set(read());
  });

/** The session of `userId` expired here: its data stays for that person's next sign-in. */
export function rememberExpired(userId: string, name: string): void {
  const record: ExpiredAccount = { userId, name, expiredAt: Date.now() };
  localStorage.setItem(KEY, JSON.stringify(record));
  expiredAccount.set(record);
}

function forgetExpired(): void {
  localStorage.removeItem(KEY);
  expiredAccount.set(null);
}

/**
 * Before the app opens an account on this device, or when the server answers that no one is
 * signed in: what an expired session kept is reopened by the same person, and removed (before
 * anything else opens) for anyone else or once the server no longer calls it expired.
 */
export async function settleKeptData(event: DeviceEvent): Promise<void> {
  const kept = expiredAccount.get();
  const fate = keptDataFate(kept, event);
  if (!kept || fate === 'wait') return;
  if (fate === 'wipe')
    await deleteLocalData(kept.userId).catch((error: unknown) =>
      console.warn('kept data not removed', error),
    );
  forgetExpired();
}

/** How many messages the kept outbox of `userId` holds (0 when none, or unreadable). */
export async function countKeptUnsent(userId: string): Promise<number> {
  try {
    // Yjs decodes the outbox: loaded only here, never on the way to the first paint.
    const { countOutboxMessages } = await import('../sync/core/kept-outbox.ts');
    return await countOutboxMessages(syncDbName(userId));
  } catch (error) {
    console.warn('kept outbox not read', error);
    return 0;
  }
}
