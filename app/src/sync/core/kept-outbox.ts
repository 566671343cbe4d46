import { openExistingDatabase, request } from '../../lib/indexed-db.ts';
import { messageIdsInUpdate } from './doc-entry.ts';

/**
 * How many messages wait in a user's kept outbox (persistence.ts's `outbox` store), read with
 * plain IndexedDB while no sync client runs: the sign-in page after an expiry says how many
 * will go out once the person signs in again. Other changes (read positions, drafts, edits)
 * are not messages and not counted. A device without the database has none (it is not created).
 */
export async function countOutboxMessages(dbName: string): Promise<number> {
  const db = await openExistingDatabase(dbName);
  if (!db) return 0;
  try {
    if (!db.objectStoreNames.contains('outbox')) return 0;
    const rows = await request(
      db.transaction('outbox', 'readonly').objectStore('outbox').getAll() as IDBRequest<
        { update: Uint8Array }[]
      >,
    );
    // One message may ride in more than one entry (made again after a refusal): counted once.
    return new Set(rows.flatMap((row) => messageIdsInUpdate(row.update))).size;
  } finally {
    db.close();
  }
}
