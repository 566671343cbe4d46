import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TESTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(TESTS_DIR, '..');
/** The built server, as production runs it. `pnpm build` must have run first. */
export const SERVER_ENTRY = path.join(REPO_DIR, 'sync-server', 'dist', 'main.js');
/** Where logs of failed tests are kept. */
export const ARTIFACTS_DIR = path.join(TESTS_DIR, '.test-artifacts');
