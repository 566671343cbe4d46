/**
 * How long the integration and browser tests wait, in one place, sized for a loaded 2-core
 * machine (issue 15: the suite must pass with both cores kept busy by another process).
 *
 * Every wait in the tests is on a condition (a frame, a log line, a DOM state), so these bounds
 * are never reached on a healthy run, however slow: they only decide how long a broken run takes
 * to say what it was waiting for. Each is well under the test timeout (tests/vitest.config.ts), so
 * a failing wait names its condition instead of vitest reporting a bare timeout. Speed is
 * measured by `pnpm bench`, never here.
 */

/** A spawned server prints its URL and answers /readyz (node start, migrations, commit worker). */
export const SERVER_START_MS = 60_000;

/** A server started with a bad configuration exits on its own. */
export const SERVER_EXIT_MS = 30_000;

/** One expected frame on a raw sync socket, or its close. */
export const FRAME_MS = 15_000;

/** A condition across real sockets or processes (`eventually`), and a server's log line. */
export const CONDITION_MS = 20_000;

/**
 * A change shown in a browser page without a reload (`expect.poll(…, LIVE)`), and a Playwright
 * action's own wait for its element (a context's default timeout).
 */
export const LIVE = { timeout: 20_000 } as const;

/** What the test timeouts are (tests/vitest.config.ts); the harness's bounds stay well under them. */
export const INTEGRATION_TEST_TIMEOUT_MS = 60_000;
export const BROWSER_TEST_TIMEOUT_MS = 120_000;
/** Starting a server or Chromium in a file's hooks, and stopping them. */
export const HOOK_TIMEOUT_MS = 120_000;
