import { vi } from 'vitest';

/**
 * Unit tests' setup (vitest.config.ts, project "unit"): `vi.waitFor` gives up after 1 s by
 * default, which a loaded 2-core machine can spend before a worker thread or a backoff timer
 * runs. Its default becomes WAIT_FOR_MS; a call that names its own timeout keeps it. The
 * condition is still what is awaited (every 50 ms): this only decides how long a broken test
 * takes to say what it waited for.
 */
const WAIT_FOR_MS = 10_000;

const waitFor = vi.waitFor.bind(vi);
vi.waitFor = (callback, options) =>
  waitFor(callback, typeof options === 'number' ? options : { timeout: WAIT_FOR_MS, ...options });
