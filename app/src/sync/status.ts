/** The connection as people see it: a closed set. */
export const SYNC_STATUSES = ['offline', 'connecting', 'syncing', 'online', 'signed_out'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** A tiny observable value for useSyncExternalStore: get, subscribe (returns its disposer). */
export class Observable<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private value: T) {}

  get = (): T => this.value;

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const listener of [...this.listeners]) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}
