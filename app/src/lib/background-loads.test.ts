import { describe, expect, it } from 'vitest';
import { backgroundLoadsSettled, trackBackgroundLoad } from './background-loads.ts';

describe('background loads', () => {
  it('settles at once with none running, and only after every running one settled otherwise', async () => {
    await backgroundLoadsSettled();
    let finishFirst = (): void => {};
    let failSecond = (): void => {};
    const first = trackBackgroundLoad(new Promise<void>((resolve) => (finishFirst = resolve)));
    const second = trackBackgroundLoad(
      new Promise<void>((_, reject) => (failSecond = () => reject(new Error('offline')))),
    );
    second.catch(() => {});
    let settled = false;
    const waiting = backgroundLoadsSettled().then(() => (settled = true));
    finishFirst();
    await first;
    await Promise.resolve();
    expect(settled).toBe(false);
    failSecond();
    await waiting;
    expect(settled).toBe(true);
  });
});
