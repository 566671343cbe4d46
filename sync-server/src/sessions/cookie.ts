/** The session cookie's name; `__Host-` over https pins it to our origin with path=/ and Secure. */
export function sessionCookieName(publicUrl: URL): string {
  return publicUrl.protocol === 'https:' ? '__Host-messenjo_session' : 'messenjo_session';
}

/** Attributes for the session cookie: HttpOnly, SameSite=Lax, Secure when served over https. */
export function sessionCookieOptions(publicUrl: URL, expiresAt: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: publicUrl.protocol === 'https:',
    expires: new Date(expiresAt),
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
