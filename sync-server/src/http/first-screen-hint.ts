import { readFile, stat } from 'node:fs/promises';

/**
 * The first screen's code as a `Link: rel=modulepreload` header on the app shell, so the browser
 * fetches it beside the shell's own scripts instead of after the app has evaluated its entry and
 * asked `/api/auth/session` (two round trips later; Lighthouse, docs/benchmarks.md). Which
 * screen follows from the navigation alone: without a session cookie only the sign-in page can
 * show; with one, the signed-in app, and on `/c/<id>` (or `/c/<id>/m/<message>`) the conversation's
 * pane too (a cookie that
 * turns out stale costs a fetch of code the app would load after signing in anyway). The build
 * lists each first screen's chunks in index.html as `<meta name="messenjo-preload:<screen>">`
 * (app/vite.config.ts, `preloadChunks`); the lists are read from there, again when the file
 * changes.
 */
export type FirstScreen = 'sign-in' | 'signed-in' | 'conversation';

const SCREEN_META = /<meta\s+name="messenjo-preload:([\w-]+)"\s+content="([^"]*)"/g;

let cached: { file: string; mtimeMs: number; chunks: Map<string, string[]> } | undefined;

async function chunksByScreen(indexHtml: string): Promise<Map<string, string[]>> {
  const info = await stat(indexHtml);
  if (cached?.file === indexHtml && cached.mtimeMs === info.mtimeMs) return cached.chunks;
  const chunks = new Map<string, string[]>();
  for (const [, screen, list] of (await readFile(indexHtml, 'utf8')).matchAll(SCREEN_META)) {
    // Only same-origin paths of the build: anything else in the file is not ours to announce.
    chunks.set(
      screen!,
      (list ?? '').split(' ').filter((chunk) => /^\/[\w./-]+\.js$/.test(chunk)),
    );
  }
  cached = { file: indexHtml, mtimeMs: info.mtimeMs, chunks };
  return chunks;
}

/** The screens a page load will show first: from its session cookie and its path. */
export function firstScreensOf(hasSession: boolean, urlPath: string): FirstScreen[] {
  if (!hasSession) return ['sign-in'];
  return /^\/c\/[^/]+(?:\/m\/[^/]+)?$/.test(urlPath) ? ['signed-in', 'conversation'] : ['signed-in'];
}

/** The header value for `screens` in `indexHtml`, or null when the shell lists none of their chunks (a dev build). */
export async function firstScreenPreloadHeader(
  indexHtml: string,
  screens: FirstScreen[],
): Promise<string | null> {
  const byScreen = await chunksByScreen(indexHtml);
  const paths = [...new Set(screens.flatMap((screen) => byScreen.get(screen) ?? []))];
  return paths.length > 0
    ? paths.map((chunk) => `<${chunk}>; rel=modulepreload; crossorigin`).join(', ')
    : null;
}
