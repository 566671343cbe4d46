import { describe, expect, it, vi } from 'vitest';
import { Store } from '../lib/store.ts';
import { reloadWithoutWarning, warnBeforeUnloadWhileUnsent } from './unsent-warning.ts';

/** Dispatches a cancelable beforeunload on a plain EventTarget: whether the page asked to warn. */
function closeTab(target: EventTarget): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  // A BeforeUnloadEvent's returnValue is writable; Node's plain Event has only a getter.
  Object.defineProperty(event, 'returnValue', { value: true, writable: true });
  target.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('the warning before closing the tab', () => {
  it('is asked for only while something is unsent, and not after the disposer ran', () => {
    const target = new EventTarget();
    const unsent = new Store(0);
    const stop = warnBeforeUnloadWhileUnsent(unsent, target as unknown as Window);
    expect(closeTab(target)).toBe(false);
    unsent.set(2);
    expect(closeTab(target)).toBe(true);
    unsent.set(0);
    expect(closeTab(target)).toBe(false);
    unsent.set(1);
    stop();
    expect(closeTab(target)).toBe(false);
  });

  it('is not asked for when the app reloads itself to apply an update (the outbox stays and is sent after it)', () => {
    const reload = vi.fn();
    const target = Object.assign(new EventTarget(), { location: { reload } });
    const unsent = new Store(3);
    const stop = warnBeforeUnloadWhileUnsent(unsent, target as unknown as Window);
    expect(closeTab(target)).toBe(true);
    reloadWithoutWarning(target as unknown as Window);
    expect(reload).toHaveBeenCalledOnce();
    expect(closeTab(target)).toBe(false);
    stop();
  });
});
