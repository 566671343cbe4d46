import { describe, expect, it } from 'vitest';
import {
  cachedBytes,
  DEFAULT_CACHE_BUDGET_BYTES,
  evictionPlan,
  parseBudget,
  PARTIAL_MAX_AGE_MS,
  readBudget,
  stalePieces,
  writeBudget,
  type CachedBlob,
} from './cache-budget.ts';

const blob = (path: string, bytes: number, openedAt: number): CachedBlob => ({ path, bytes, openedAt });

describe('the cache budget', () => {
  it('drops nothing while the cache fits, even exactly', () => {
    const entries = [blob('/a', 40, 1), blob('/b', 60, 2)];
    expect(evictionPlan(entries, 100)).toEqual([]);
    expect(evictionPlan([], 0)).toEqual([]);
  });

  it('drops the least recently opened first, and no more than needed', () => {
    const entries = [
      blob('/new', 30, 300),
      blob('/old', 30, 100),
      blob('/mid', 30, 200),
      blob('/newest', 30, 400),
    ];
    // 120 bytes into 90: one file goes, the one opened longest ago.
    expect(evictionPlan(entries, 90)).toEqual(['/old']);
    // Into 50: three go, oldest first; the most recently opened stays.
    expect(evictionPlan(entries, 50)).toEqual(['/old', '/mid', '/new']);
  });

  it('opening a file again keeps it: recency, not the order files were fetched', () => {
    const fetched = [blob('/first', 50, 1), blob('/second', 50, 2)];
    expect(evictionPlan([...fetched, blob('/third', 50, 3)], 100)).toEqual(['/first']);
    const reopened = [blob('/first', 50, 4), blob('/second', 50, 2), blob('/third', 50, 3)];
    expect(evictionPlan(reopened, 100)).toEqual(['/second']);
  });

  it('drops a large old file rather than many small recent ones', () => {
    const entries = [blob('/video', 400, 1), ...[2, 3, 4, 5].map((t) => blob(`/photo${t}`, 20, t))];
    expect(evictionPlan(entries, 100)).toEqual(['/video']);
  });

  it('files of unknown age go first, in a stable order whatever order they are listed in', () => {
    const entries = [blob('/b', 10, 0), blob('/known', 10, 5), blob('/a', 10, 0)];
    expect(evictionPlan(entries, 10)).toEqual(['/a', '/b']);
    expect(evictionPlan([...entries].reverse(), 10)).toEqual(['/a', '/b']);
  });

  it('a zero budget empties the cache', () => {
    const entries = [blob('/a', 1, 1), blob('/b', 2, 2)];
    expect(evictionPlan(entries, 0)).toEqual(['/a', '/b']);
    expect(cachedBytes(entries)).toBe(3);
  });

  it('the setting: one of the offered budgets, else the default of 500 MB', () => {
    expect(DEFAULT_CACHE_BUDGET_BYTES).toBe(500_000_000);
    expect(parseBudget(null)).toBe(DEFAULT_CACHE_BUDGET_BYTES);
    expect(parseBudget('1000000000')).toBe(1e9);
    expect(parseBudget('123')).toBe(DEFAULT_CACHE_BUDGET_BYTES);
    expect(parseBudget('lots')).toBe(DEFAULT_CACHE_BUDGET_BYTES);
    const stored = new Map<string, string>();
    const storage = {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => void stored.set(key, value),
    } as Storage;
    expect(readBudget('u_1', storage)).toBe(DEFAULT_CACHE_BUDGET_BYTES);
    writeBudget('u_1', 100e6, storage);
    expect(readBudget('u_1', storage)).toBe(100e6);
    expect(readBudget('u_2', storage)).toBe(DEFAULT_CACHE_BUDGET_BYTES);
  });
});

describe('pieces of unfinished downloads', () => {
  const blobOf = (path: string) => (path.startsWith('/p/') ? path.split('/')[2] : undefined);
  const now = 1_000 * PARTIAL_MAX_AGE_MS;

  it('drops every piece of a download not continued for a week, and nothing else', () => {
    const week = PARTIAL_MAX_AGE_MS;
    const entries = [
      // Given up: its newest piece is a week and a minute old.
      blob('/p/old/0', 10, now - week - 120_000),
      blob('/p/old/1048576', 10, now - week - 60_000),
      // Continued yesterday: its first piece is old, but the download is alive.
      blob('/p/alive/0', 10, now - 2 * week),
      blob('/p/alive/1048576', 10, now - 86_400_000),
      // Whole files are the budget's to drop, however old.
      blob('/api/blobs/ancient', 10, 0),
    ];
    expect(stalePieces(entries, blobOf, now)).toEqual(['/p/old/0', '/p/old/1048576']);
    expect(stalePieces(entries, blobOf, now - 120_000)).toEqual([]);
  });
});
