import { readFile, stat } from 'node:fs/promises';

/**
 * The first screen's code as a `Link: rel=modulepreload` header on the app shell, so the browser
 * fetches it beside the shell's own scripts instead of after the app has evaluated its entry and
 * asked `/api/auth/session` (two round trips later; Lighthouse, docs/benchmarks.md). Which screen
 * follows from the navigation alone: without a session cookie only the sign-in page can show;
 * with one, the signed-in app, and on `/c/<id>` (or `/c/<id>/m/<message>`) the conversation's
 * pane too (a cookie that turns out stale costs a fetch of code the app would load after signing
 * in anyway). The shell's own stylesheet and scripts are announced first: a header's preloads
 * start before the document is parsed, and over HTTP/1.1 (six connections at a time) the screen's
 * code announced alone went ahead of the shell's, which the first paint needs. The build lists
 * each first screen's chunks in index.html as `<meta name="messenjo-preload:<screen>">`
 * (app/vite.config.ts, `preloadChunks`); the lists are read from there, again when the file
 * changes.
 */
export type FirstScreen = 'sign-in' | 'signed-in' | 'conversation';

const SCREEN_META = /<meta\s+name="messenjo-preload:([\w-]+)"\s+content="([^"]*)"/g;
/** The shell's stylesheet, entry script and module preloads, as Vite writes them. */
const SHELL_ASSET =
  /<(?:script\s+type="module"[^>]*\ssrc|link\s+rel="(?:stylesheet|modulepreload)"[^>]*\shref)="([^"]+)"/g;
/** Only same-origin paths of the build: anything else in the file is not ours to announce. */
const BUILT_ASSET = /^\/[\w./-]+\.(?:js|css)$/;

interface ShellHints {
  /** The shell's own assets, as header links: the stylesheet, then the scripts in the document's order. */
  shell: string[];
  /** Each first screen's chunks. */
  chunks: Map<string, string[]>;
}

let cached: { file: string; mtimeMs: number; hints: ShellHints } | undefined;

const linkOf = (asset: string): string =>
  asset.endsWith('.css')
    ? `<${asset}>; rel=preload; as=style; crossorigin`
    : `<${asset}>; rel=modulepreload; crossorigin`;

async function hintsOf(indexHtml: string): Promise<ShellHints> {
  const info = await stat(indexHtml);
  if (cached?.file === indexHtml && cached.mtimeMs === info.mtimeMs) return cached.hints;
  const html = await readFile(indexHtml, 'utf8');
  const chunks = new Map<string, string[]>();
  for (const [, screen, list] of html.matchAll(SCREEN_META))
    chunks.set(
      screen!,
      (list ?? '').split(' ').filter((chunk) => BUILT_ASSET.test(chunk) && chunk.endsWith('.js')),
    );
  const shell = [...html.matchAll(SHELL_ASSET)]
    .map(([, asset]) => asset!)
    .filter((asset) => BUILT_ASSET.test(asset));
  // The stylesheet first: nothing paints before it (a stable sort keeps the scripts' order).
  shell.sort((a, b) => Number(b.endsWith('.css')) - Number(a.endsWith('.css')));
  const hints = { shell: shell.map(linkOf), chunks };
  cached = { file: indexHtml, mtimeMs: info.mtimeMs, hints };
  return hints;
}

/** The screens a page load will show first: from its session cookie and its path. */
export function firstScreensOf(hasSession: boolean, urlPath: string): FirstScreen[] {
  if (!hasSession) return ['sign-in'];
  return /^\/c\/[^/]+(?:\/m\/[^/]+)?$/.test(urlPath) ? ['signed-in', 'conversation'] : ['signed-in'];
}

/**
 * The header value for `screens` in `indexHtml`: the shell's assets, then the screens' chunks; or
 * null when the shell lists none of their chunks (a dev build).
 */
export async function firstScreenPreloadHeader(
  indexHtml: string,
  screens: FirstScreen[],
): Promise<string | null> {
  const { shell, chunks } = await hintsOf(indexHtml);
  const paths = [...new Set(screens.flatMap((screen) => chunks.get(screen) ?? []))];
  return paths.length > 0 ? [...shell, ...paths.map(linkOf)].join(', ') : null;
}
