import { parseDocId } from '@messenjo/shared';

/**
 * Reads the sync client's document database (`sync/core/persistence.ts`: `updates` by document,
 * `outbox`) from a worker, read-only. It never creates the database: opened where it does not
 * exist, the upgrade is aborted, so the sync client's own first open still creates its stores.
 * It gives way at once when another tab deletes it (sign-out).
 */

/** A segment document as stored: what changed since it was last read is told by the fingerprint. */
export interface StoredSegment {
  docId: string;
  conversationId: string;
  segment: number;
  /** Rows stored for it (count and newest key of its updates, newest outbox ref). */
  fingerprint: string;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Opens the existing database, or resolves null when there is none yet. */
export function openExisting(name: string): Promise<IDBDatabase | null> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    let missing = false;
    req.onupgradeneeded = () => {
      missing = true;
      req.transaction?.abort();
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => (missing ? resolve(null) : reject(req.error ?? new Error(`${name} did not open`)));
  });
}

/** Every stored segment document with its fingerprint, from keys only (no update is read). */
export async function listSegments(db: IDBDatabase): Promise<StoredSegment[]> {
  const tx = db.transaction(['updates', 'outbox'], 'readonly');
  const rows = new Map<string, { count: number; newest: number; outbox: number }>();
  const row = (docId: string) => {
    let r = rows.get(docId);
    if (!r) rows.set(docId, (r = { count: 0, newest: 0, outbox: 0 }));
    return r;
  };
  await new Promise<void>((resolve, reject) => {
    const cursor = tx.objectStore('updates').index('byDoc').openKeyCursor();
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (!c) return resolve();
      const r = row(c.key as string);
      r.count++;
      r.newest = Math.max(r.newest, Number(c.primaryKey));
      c.continue();
    };
    cursor.onerror = () => reject(cursor.error ?? new Error('updates not listed'));
  });
  const outboxKeys = (await request(tx.objectStore('outbox').getAllKeys())) as [string, number][];
  for (const [docId, ref] of outboxKeys) row(docId).outbox = Math.max(row(docId).outbox, ref);
  const out: StoredSegment[] = [];
  for (const [docId, r] of rows) {
    const ref = parseDocId(docId);
    if (ref?.kind !== 'segment') continue;
    out.push({
      docId,
      conversationId: ref.conversationId,
      segment: ref.index,
      fingerprint: `${r.count}:${r.newest}:${r.outbox}`,
    });
  }
  return out;
}

/** The stored updates of one document, its unacked local ones last (as the sync client loads them). */
export async function readUpdates(db: IDBDatabase, docId: string): Promise<Uint8Array[]> {
  const tx = db.transaction(['updates', 'outbox'], 'readonly');
  const [updates, outbox] = await Promise.all([
    request(tx.objectStore('updates').index('byDoc').getAll(docId)) as Promise<{ update: Uint8Array }[]>,
    request(
      tx.objectStore('outbox').getAll(IDBKeyRange.bound([docId, 0], [docId, Number.MAX_SAFE_INTEGER])),
    ) as Promise<{ update: Uint8Array }[]>,
  ]);
  return [...updates.map((u) => u.update), ...outbox.map((o) => o.update)];
}
