/**
 * A set of listeners for one kind of event: `add` returns the disposer, `emit` calls each
 * (a copy of the set, so a listener may remove itself). Framework-free, like `Store`, for
 * events that are not a value (a frame arrived, a document was replaced).
 */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();

  add = (listener: (...args: A) => void): (() => void) => {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  };

  emit(...args: A): void {
    for (const listener of [...this.set]) listener(...args);
  }

  clear(): void {
    this.set.clear();
  }
}
