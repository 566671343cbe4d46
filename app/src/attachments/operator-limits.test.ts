import { ATTACHMENT_LIMITS } from '@messenjo/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../lib/memory-storage.ts';

/**
 * The operator's limit as the composer learns it (operator-limits.ts): a device that never had the
 * server's answer waits for it before judging a file, rather than judging by the default
 * (issue 17: the first file a fresh device was given, over a lower ATTACHMENT_MAX_BYTES, was
 * chosen and only refused when sent).
 */

/** A fetch answering the limits route once `answer` is called (or never). */
function heldFetch() {
  let answer: (maxFileBytes: number) => void = () => {};
  const calls: string[] = [];
  const fetch = vi.fn((url: string) => {
    calls.push(url);
    return new Promise<Response>((resolve) => {
      answer = (maxFileBytes) => resolve(Response.json({ maxFileBytes, quotaBytes: 1, usedBytes: 0 }));
    });
  });
  return { fetch, calls, answer: (maxFileBytes: number) => answer(maxFileBytes) };
}

/** A fresh copy of the module: its one ask per page starts over. */
const freshModule = async () => {
  vi.resetModules();
  return import('./operator-limits.ts');
};

describe('the operator’s limit on one file, as the device knows it', () => {
  beforeEach(() => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('localStorage', memoryStorage());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('a device that never asked waits for the server’s answer, then remembers it', async () => {
    const server = heldFetch();
    vi.stubGlobal('fetch', server.fetch);
    const limits = await freshModule();
    let answered: number | undefined;
    const waiting = limits.maxFileBytesAnswered().then((max) => (answered = max));
    await Promise.resolve();
    expect(answered).toBeUndefined();
    server.answer(2_000_000);
    await waiting;
    expect(answered).toBe(2_000_000);
    // Asked once per page; known at once from now on, and by the next page offline.
    expect(limits.maxFileBytes()).toBe(2_000_000);
    expect(await limits.maxFileBytesAnswered()).toBe(2_000_000);
    expect(server.calls).toEqual(['/api/attachments/limits']);
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('offline'))),
    );
    expect(await (await freshModule()).maxFileBytesAnswered()).toBe(2_000_000);
  });

  it('a server that does not answer in time leaves what the device knew (the default on a new one)', async () => {
    vi.useFakeTimers();
    const server = heldFetch();
    vi.stubGlobal('fetch', server.fetch);
    const limits = await freshModule();
    const waiting = limits.maxFileBytesAnswered();
    await vi.advanceTimersByTimeAsync(limits.ANSWER_WAIT_MS);
    expect(await waiting).toBe(ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES);
  });

  it('offline, or from a server without the route, the default stands', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response('', { status: 404 }))),
    );
    expect(await (await freshModule()).maxFileBytesAnswered()).toBe(ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES);
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('offline'))),
    );
    expect(await (await freshModule()).maxFileBytesAnswered()).toBe(ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES);
  });
});
