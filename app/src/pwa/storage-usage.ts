import { askForPersistentStorage } from './persistent-storage.ts';

/** How much this origin keeps on the device, and whether the browser may clear it under pressure. */
export interface StorageUsage {
  /** Bytes used (IndexedDB, the service worker's caches…), as the browser estimates them. */
  usage: number | null;
  /** Bytes the browser would let this origin use. */
  quota: number | null;
  /** True: kept until the person clears it; false: best effort (may be evicted when disk runs low). */
  persisted: boolean | null;
}

/** Reads it; a browser without the Storage API answers nulls (shown as "unknown"). */
export async function readStorageUsage(
  storage: Partial<StorageManager> | undefined = globalThis.navigator?.storage,
): Promise<StorageUsage> {
  const [estimate, persisted] = await Promise.all([
    storage?.estimate?.().catch(() => undefined),
    storage?.persisted?.().catch(() => null) ?? null,
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

/** Asks again (a click is a person's gesture, which some browsers want), then reads the new state. */
export async function askToKeepStorage(storage: StorageManager | undefined = navigator.storage) {
  await askForPersistentStorage(storage);
  return readStorageUsage(storage);
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1,234,567 → "1.2 MB" (decimal units, as operating systems show disk space). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}
