import { EXPIRED_SESSION_KEPT_MS } from './session-store.ts';

/** The session cookie's name; `__Host-` over https pins it to our origin with path=/ and Secure. */
export function sessionCookieName(publicUrl: URL): string {
  return publicUrl.protocol === 'https:' ? '__Host-messenjo_session' : 'messenjo_session';
}

/**
 * Attributes for the session cookie: HttpOnly, SameSite=Lax, Secure when served over https. The
 * cookie outlives its session by EXPIRED_SESSION_KEPT_MS (SE2): a device back after the expiry
 * still presents it and hears "expired" (keep the data, sign in again), where a vanished cookie
 * could not be told from a revoked one. After the expiry the cookie grants nothing.
 */
export function sessionCookieOptions(publicUrl: URL, sessionExpiresAt: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: publicUrl.protocol === 'https:',
    expires: new Date(sessionExpiresAt + EXPIRED_SESSION_KEPT_MS),
  };
}

/** Reads one cookie from a raw Cookie header (the sync socket's upgrade request has no Hono context). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
