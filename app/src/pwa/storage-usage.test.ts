import { describe, expect, it } from 'vitest';
import { formatBytes, readStorageUsage } from './storage-usage.ts';

describe('storage usage', () => {
  it('formats sizes as a person reads them', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatBytes(345_000_000)).toBe('345 MB');
    expect(formatBytes(2_500_000_000)).toBe('2.5 GB');
  });

  it('answers unknown where the browser has no Storage API', async () => {
    expect(await readStorageUsage({})).toEqual({
      usage: null,
      quota: null,
      persisted: null,
    });
  });
});
