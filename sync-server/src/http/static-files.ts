import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { isCompressible, variantsFor } from './content-encoding.ts';
import type { AppEnv } from './env.ts';
import { firstScreenPreloadHeader, firstScreensOf } from './first-screen-hint.ts';

/** Vite writes content-hashed names under /assets: their bytes never change, so cache them forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The shell and the service worker must be revalidated every time, or an update never arrives. */
const REVALIDATE = 'no-cache';
/** Icons and the manifest change rarely but keep their names. */
const SHORT = 'public, max-age=3600';

const NEVER_CACHED = new Set(['/index.html', '/sw.js', '/registerSW.js', '/manifest.webmanifest']);

function cacheControlFor(urlPath: string): string {
  if (urlPath.startsWith('/assets/')) return IMMUTABLE;
  if (NEVER_CACHED.has(urlPath) || urlPath.startsWith('/workbox-')) return REVALIDATE;
  return SHORT;
}

type StaticContext = Parameters<MiddlewareHandler<AppEnv>>[0];

/**
 * Serves the built PWA. A path that names a file serves it; `/assets/*` that does not exist is
 * a plain 404 (never HTML in place of a script); any other unknown path gets `index.html`, so
 * the app's own router can handle deep links. `isVisitor` says a request carries no session:
 * the shell served to a navigation announces the code of the screen it will show first, the
 * sign-in page's to a visitor and the signed-in app's to the others (first-screen-hint.ts).
 */
export function staticFiles(
  rootDir: string,
  options: { isVisitor?: (c: StaticContext) => boolean } = {},
): MiddlewareHandler<AppEnv> {
  const root = path.resolve(rootDir);
  const indexHtml = path.join(root, 'index.html');
  /** The shell's response depends on the session cookie: each navigation gets its first screen's hint. */
  const hintFirstScreen = async (c: StaticContext, urlPath: string): Promise<void> => {
    if (!options.isVisitor) return;
    c.header('Vary', 'Cookie', { append: true });
    // Only a page load: the service worker's precache fetch of the shell must not keep one
    // person's hint for whoever opens the installed app later.
    if (c.req.header('Sec-Fetch-Mode') !== 'navigate') return;
    const screens = firstScreensOf(!options.isVisitor(c), urlPath);
    const header = await firstScreenPreloadHeader(indexHtml, screens).catch(() => null);
    if (header) c.header('Link', header);
  };
  return async function staticFilesMiddleware(c, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(c.req.path);
    } catch {
      return next();
    }
    if (urlPath.includes('\0')) return next();
    const relative = urlPath === '/' ? 'index.html' : urlPath.replace(/^\/+/, '');
    const file = path.resolve(root, relative);
    // A resolved path outside the root is a traversal attempt: treat it as unknown.
    if (file !== root && !file.startsWith(root + path.sep)) return next();
    if (file === indexHtml) await hintFirstScreen(c, urlPath);
    const served = await serveFile(c, file, cacheControlFor(urlPath === '/' ? '/index.html' : urlPath));
    if (served) return served;
    if (urlPath.startsWith('/assets/') || path.extname(urlPath) !== '') return next();
    await hintFirstScreen(c, urlPath);
    const shell = await serveFile(c, indexHtml, REVALIDATE);
    return shell ?? next();
  };
}

/**
 * Sends a file, or its precompressed variant when the request accepts one and the build wrote it
 * (a missing variant falls back to the next, then to the file itself). Type, caching and
 * Last-Modified are the file's whatever the encoding; `Vary` tells caches the body depends on
 * Accept-Encoding. A Range header is ignored (a 200 with the whole body, as RFC 9110 allows), so
 * a byte range is never cut out of a compressed body.
 */
async function serveFile(
  c: Parameters<MiddlewareHandler<AppEnv>>[0],
  file: string,
  cacheControl: string,
): Promise<Response | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    let body = file;
    let size = info.size;
    for (const variant of variantsFor(file, c.req.header('Accept-Encoding'))) {
      const encoded = await stat(file + variant.suffix).catch(() => undefined);
      if (!encoded?.isFile()) continue;
      body = file + variant.suffix;
      size = encoded.size;
      c.header('Content-Encoding', variant.encoding);
      break;
    }
    c.header('Content-Type', getMimeType(file) ?? 'application/octet-stream');
    c.header('Cache-Control', cacheControl);
    c.header('Content-Length', String(size));
    c.header('Last-Modified', info.mtime.toUTCString());
    if (isCompressible(file)) c.header('Vary', 'Accept-Encoding', { append: true });
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(await readFile(body), 200);
  } catch {
    return undefined;
  }
}
