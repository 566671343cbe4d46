import { defineConfig } from 'vitest/config';

// Integration and browser tests start real processes: give them time, and run files in a few
// workers only (a 2-core machine runs each server, each Chromium and the tests themselves).
export default defineConfig({
  test: {
    include: ['integration/**/*.test.ts', 'browser/**/*.test.ts'],
    // One PostgreSQL and one Redis for the run (harness/global-services.ts).
    globalSetup: ['harness/global-services.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
