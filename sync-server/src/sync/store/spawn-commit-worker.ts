import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CommitWorkerData } from './commit-worker-protocol.ts';

/**
 * Starts the commit worker's thread. Built (dist/main.js), the worker is a bundle of its own
 * beside it (dist/commit-worker.js, the second entry of build.mjs). Run from source (`tsx`,
 * vitest), a new thread has no TypeScript loader: it registers tsx's (a dev dependency of this
 * package) first, then imports the TypeScript entry.
 */
export function spawnCommitWorker(data: CommitWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./commit-worker.js', import.meta.url), { workerData: data });
  }
  // The ESM build of tsx's API (the package's `import` condition); its CommonJS build cannot
  // find its loader from a thread started with `eval`.
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const entry = new URL('./commit-worker.ts', import.meta.url).href;
  // A failed import rejects unhandled, which ends the thread with an 'error' event like any crash.
  const boot = `import(${JSON.stringify(pathToFileURL(tsxApi).href)})
    .then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}
