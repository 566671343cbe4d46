import { readFile, stat } from 'node:fs/promises';

/**
 * The sign-in page's code as a `Link: rel=modulepreload` header on the app shell, for a
 * navigation that carries no session cookie: such a visitor can only be shown the sign-in page,
 * so the browser may fetch its code beside the shell's own scripts instead of after the app has
 * asked `/api/auth/session` (two round trips later; Lighthouse, docs/benchmarks.md). The build
 * lists each first screen's chunks in index.html as `<meta name="messenjo-preload:<screen>">`
 * (app/vite.config.ts, `preloadChunks`); the list is read from there, again when the file changes.
 */
const SIGN_IN_META = /<meta\s+name="messenjo-preload:sign-in"\s+content="([^"]*)"/;

let cached: { file: string; mtimeMs: number; header: string | null } | undefined;

/** The header value for `indexHtml`, or null when the shell lists no sign-in chunks (a dev build). */
export async function signInPreloadHeader(indexHtml: string): Promise<string | null> {
  const info = await stat(indexHtml);
  if (cached?.file === indexHtml && cached.mtimeMs === info.mtimeMs) return cached.header;
  const chunks = SIGN_IN_META.exec(await readFile(indexHtml, 'utf8'))?.[1]?.split(' ') ?? [];
  // Only same-origin paths of the build: anything else in the file is not ours to announce.
  const paths = chunks.filter((chunk) => /^\/[\w./-]+\.js$/.test(chunk));
  const header =
    paths.length > 0 ? paths.map((chunk) => `<${chunk}>; rel=modulepreload; crossorigin`).join(', ') : null;
  cached = { file: indexHtml, mtimeMs: info.mtimeMs, header };
  return header;
}
