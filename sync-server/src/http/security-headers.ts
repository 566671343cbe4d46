import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './env.ts';

/**
 * Security headers on every response. The CSP allows only our own origin: the built app has
 * no inline scripts (`'wasm-unsafe-eval'` lets our own WebAssembly compile — SQLite in the
 * search worker — and nothing else: no `eval`, no inline script), styles come from its own CSS file (React sets style properties through
 * the CSSOM, which CSP does not govern), pictures may be blobs or data URLs made on the
 * device, and the sync socket is on the same origin.
 */
export function securityHeaders(publicUrl: () => URL): MiddlewareHandler<AppEnv> {
  // The origin is known only after listening when the OS picks the port, so build lazily, once.
  let built: { origin: string; middleware: MiddlewareHandler<AppEnv> } | undefined;
  return async function securityHeadersMiddleware(c, next) {
    const origin = publicUrl();
    if (built?.origin !== origin.origin) built = { origin: origin.origin, middleware: build(origin) };
    return built.middleware(c, next);
  };
}

function build(origin: URL): MiddlewareHandler<AppEnv> {
  const socketOrigin = `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}`;
  const apply: MiddlewareHandler<AppEnv> = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      mediaSrc: ["'self'", 'blob:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'", socketOrigin],
      manifestSrc: ["'self'"],
      workerSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'strict-origin-when-cross-origin',
    strictTransportSecurity: origin.protocol === 'https:' ? 'max-age=31536000; includeSubDomains' : false,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
  });
  return apply;
}
