import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import type { AppEnv } from './env.ts';

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

/**
 * Serves the built PWA. A path that names a file serves it; `/assets/*` that does not exist is
 * a plain 404 (never HTML in place of a script); any other unknown path gets `index.html`, so
 * the app's own router can handle deep links.
 */
export function staticFiles(rootDir: string): MiddlewareHandler<AppEnv> {
  const root = path.resolve(rootDir);
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
    const served = await serveFile(c, file, cacheControlFor(urlPath === '/' ? '/index.html' : urlPath));
    if (served) return served;
    if (urlPath.startsWith('/assets/') || path.extname(urlPath) !== '') return next();
    const shell = await serveFile(c, path.join(root, 'index.html'), REVALIDATE);
    return shell ?? next();
  };
}

async function serveFile(
  c: Parameters<MiddlewareHandler<AppEnv>>[0],
  file: string,
  cacheControl: string,
): Promise<Response | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    c.header('Content-Type', getMimeType(file) ?? 'application/octet-stream');
    c.header('Cache-Control', cacheControl);
    c.header('Content-Length', String(info.size));
    c.header('Last-Modified', info.mtime.toUTCString());
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(await readFile(file), 200);
  } catch {
    return undefined;
  }
}
