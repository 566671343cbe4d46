import { defineConfig } from 'vitest/config';
import {
  BROWSER_TEST_TIMEOUT_MS,
  HOOK_TIMEOUT_MS,
  INTEGRATION_TEST_TIMEOUT_MS,
  LIVE,
} from './harness/patience.ts';

// Integration and browser tests start real processes: they wait on conditions only, and their
// timeouts are sized for a loaded 2-core machine (harness/patience.ts). Files run in two workers
// (a 2-core machine runs each server, each Chromium and the tests themselves). The second
// reporter lists the slowest tests against their timeout.
export default defineConfig({
  test: {
    maxWorkers: 2,
    hookTimeout: HOOK_TIMEOUT_MS,
    // expect.poll without options waits as long as LIVE (vitest's default is 1 s).
    expect: { poll: { timeout: LIVE.timeout } },
    reporters: ['default', './harness/slowest-tests-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['integration/**/*.test.ts'],
          // One PostgreSQL and one Redis for the run (harness/global-services.ts); the browser
          // tests run the server on SQLite and start neither.
          globalSetup: ['harness/global-services.ts'],
          testTimeout: INTEGRATION_TEST_TIMEOUT_MS,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['browser/**/*.test.ts'],
          testTimeout: BROWSER_TEST_TIMEOUT_MS,
        },
      },
    ],
  },
});
