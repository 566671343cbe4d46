/**
 * Plain IndexedDB as promises: the few calls the documents' store (sync/core/persistence.ts) and
 * the first screen's read (session/local-index/first-read.ts) make, on the start's critical path,
 * where a library would have to load and evaluate first (ARCHITECTURE.md, "One IndexedDB
 * library"). A request's promise resolves in a microtask of its success event, so a transaction
 * stays active across `await`s that only wait for its own requests.
 */

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when the transaction has committed; rejects when it aborts. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export interface OpenOptions {
  /** Creates or migrates the stores (a new database, or an older version). */
  upgrade?: (db: IDBDatabase, oldVersion: number) => void;
}

/**
 * Opens a database. When another tab deletes or upgrades it (sign-out wipes the device), this
 * connection closes instead of blocking that tab.
 */
export async function openDatabase(
  name: string,
  version: number,
  options: OpenOptions = {},
  factory: IDBFactory = indexedDB,
): Promise<IDBDatabase> {
  const req = factory.open(name, version);
  req.onupgradeneeded = (event) => options.upgrade?.(req.result, event.oldVersion);
  const db = await request(req);
  db.onversionchange = () => db.close();
  return db;
}

/**
 * Opens a database only when it exists, never creating it: null for a device that has none (a
 * new one, or wiped), and its owner creates it later with its schema. Another tab deleting it
 * (sign-out) while this reads is let through.
 */
export function openExistingDatabase(name: string): Promise<IDBDatabase | null> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    let created = false;
    open.onupgradeneeded = () => {
      created = true;
      open.transaction?.abort();
    };
    open.onsuccess = () => {
      const db = open.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    open.onerror = () => (created ? resolve(null) : reject(open.error ?? new Error(`${name} not opened`)));
    open.onblocked = () => resolve(null);
  });
}
