/**
 * The one store primitive of the app: a value with get, set and subscribe, framework-free.
 * React reads it through `useStore` (lib/use-store.ts, useSyncExternalStore); the sync client,
 * the session's lists, the signed-in profile, the router and the update prompt all use it.
 * `set` with an identical value (Object.is) notifies nobody, so a snapshot is stable between
 * changes as useSyncExternalStore requires.
 */
export class Store<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private value: T) {}

  get = (): T => this.value;

  set = (value: T): void => {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const listener of [...this.listeners]) listener();
  };

  /** Sets the value computed from the current one. */
  update = (change: (current: T) => T): void => this.set(change(this.value));

  /** Calls `listener` after every change; returns its disposer. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Forgets every listener (the owner is disposed). */
  clear(): void {
    this.listeners.clear();
  }
}
