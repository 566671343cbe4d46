import { describe, expect, it } from 'vitest';
import { Store } from './store.ts';

describe('Store', () => {
  it('notifies subscribers of a change, not of the same value, and stops after dispose', () => {
    const store = new Store({ n: 1 });
    let calls = 0;
    const dispose = store.subscribe(() => calls++);
    const same = store.get();
    store.set(same);
    expect(calls).toBe(0);
    store.update((v) => ({ n: v.n + 1 }));
    expect(store.get()).toEqual({ n: 2 });
    expect(calls).toBe(1);
    dispose();
    store.set({ n: 3 });
    expect(calls).toBe(1);
  });

  it('lets a listener unsubscribe another during notification without skipping or crashing', () => {
    const store = new Store(0);
    const seen: string[] = [];
    let disposeB = (): void => {};
    store.subscribe(() => {
      seen.push('a');
      disposeB();
    });
    disposeB = store.subscribe(() => seen.push('b'));
    store.set(1);
    store.set(2);
    expect(seen).toEqual(['a', 'b', 'a']);
  });
});
