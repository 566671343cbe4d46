/**
 * Asks the browser to keep this origin's storage under pressure (PRODUCT 9): without it, a
 * browser low on disk may evict IndexedDB, and with it messages written offline and not yet
 * sent. Asked once a person is signed in (there is then something worth keeping); Chromium
 * decides without a prompt, Firefox may ask. Returns whether storage is persistent.
 */
export async function askForPersistentStorage(
  storage: StorageManager | undefined = navigator.storage,
): Promise<boolean> {
  if (!storage?.persist) return false;
  try {
    if (await storage.persisted()) return true;
    return await storage.persist();
  } catch {
    // A browser that refuses the question (private windows, some embedders) keeps best-effort storage.
    return false;
  }
}
