import { describe, expect, it } from 'vitest';
import { lazyScreen } from './screens.tsx';

describe('lazy screens', () => {
  it('a chunk that failed to load (offline) is asked for again, not failed forever', async () => {
    const Component = () => null;
    let attempts = 0;
    const { preload } = lazyScreen(() => {
      attempts++;
      return attempts === 1
        ? Promise.reject(new TypeError('Failed to fetch dynamically imported module'))
        : Promise.resolve(Component);
    });
    await expect(preload()).rejects.toThrow('Failed to fetch');
    await expect(preload()).resolves.toBe(Component);
    await expect(preload()).resolves.toBe(Component);
    expect(attempts).toBe(2);
  });
});
