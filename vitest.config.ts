import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code they test. Anything that starts the server or a browser lives in tests/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'shared/src/**/*.test.ts',
            'sync-server/src/**/*.test.ts',
            'app/src/**/*.test.{ts,tsx}',
            // The repository's own lint rules (no process, no browser).
            'tests/lint/**/*.test.ts',
          ],
          environment: 'node',
          // Sized for a loaded 2-core machine: vitest's 5 s test and 1 s vi.waitFor / expect.poll
          // defaults are reached there by tests that are merely slow (tests/harness/unit-waits.ts).
          testTimeout: 30_000,
          expect: { poll: { timeout: 10_000 } },
          setupFiles: ['tests/harness/unit-waits.ts'],
        },
      },
    ],
  },
});
