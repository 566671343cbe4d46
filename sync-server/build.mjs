// Bundles the server into dist/main.js, its commit worker's thread into dist/commit-worker.js and
// the SQLite → PostgreSQL copy into dist/copy-to-postgres.js.
// Our own workspace packages (TypeScript source) are inlined; third-party packages stay external and load from node_modules at run time, so
// native modules (better-sqlite3) and their prebuilt binaries keep working.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@messenjo/'));

await build({
  // The commit worker's thread loads its own bundle, beside main.js (sync/store/spawn-commit-worker.ts).
  entryPoints: {
    main: 'src/main.ts',
    'commit-worker': 'src/sync/store/commit-worker.ts',
    // The SQLite → PostgreSQL copy (README, "Several processes").
    'copy-to-postgres': 'src/copy-to-postgres.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: true,
  external,
  logLevel: 'warning',
});
