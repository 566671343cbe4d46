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
        },
      },
    ],
  },
});
