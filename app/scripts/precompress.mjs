// Writes `<file>.br` and `<file>.gz` beside every text file of the built app (app/dist) and the
// search worker's SQLite WebAssembly (879 KB, ~2.5× smaller in brotli), so the
// server sends them as they are (sync-server/src/http/content-encoding.ts) instead of
// compressing per request. Run by `pnpm build` after `vite build` (the service worker is written
// by then). Source maps are left alone: only the browser's developer tools fetch them.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
/** Keep in step with COMPRESSIBLE in the server's content-encoding.ts (maps aside, see above). */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|wasm)$/;
/** Below this, headers cost more than compression saves. */
const MIN_BYTES = 256;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

let before = 0;
let afterBr = 0;
let count = 0;
for await (const file of files(DIST)) {
  if (!COMPRESSIBLE.test(file) || (await stat(file)).size < MIN_BYTES) continue;
  const bytes = await readFile(file);
  const [br, gzipped] = await Promise.all([
    brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        // WebAssembly is binary: the text mode's dictionary would only cost time.
        [constants.BROTLI_PARAM_MODE]: file.endsWith('.wasm')
          ? constants.BROTLI_MODE_GENERIC
          : constants.BROTLI_MODE_TEXT,
      },
    }),
    gz(bytes, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  // A variant no smaller than the file would only cost a lookup.
  if (br.length < bytes.length) await writeFile(`${file}.br`, br);
  if (gzipped.length < bytes.length) await writeFile(`${file}.gz`, gzipped);
  before += bytes.length;
  afterBr += Math.min(br.length, bytes.length);
  count += 1;
}
console.log(
  `precompressed ${count} files: ${(before / 1024).toFixed(0)} KiB → ${(afterBr / 1024).toFixed(0)} KiB with brotli`,
);
