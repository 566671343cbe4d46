import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { OAuthProviderId } from '@messenjo/shared';
import type { AuthorizationChecks } from './provider.ts';

const COOKIE = 'messenjo_oauth';
/** How long the person has at the provider before the attempt expires. */
export const OAUTH_STATE_TTL_SECONDS = 10 * 60;

/**
 * The pending authorization, in a short-lived HttpOnly cookie scoped to /api/auth: state, PKCE
 * verifier and nonce never leave the browser except back to us, and the callback compares them.
 * SameSite=Lax so it comes back on the provider's top-level redirect.
 */
export interface PendingAuthorization extends AuthorizationChecks {
  provider: OAuthProviderId;
  mode: 'signin' | 'link';
  inviteCode?: string;
  /** For linking: the session that asked, so another browser's callback cannot complete it. */
  sessionId?: string;
}

export function writeStateCookie(c: Context, publicUrl: URL, pending: PendingAuthorization): void {
  setCookie(c, COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
    path: '/api/auth',
    httpOnly: true,
    sameSite: 'Lax',
    secure: publicUrl.protocol === 'https:',
    maxAge: OAUTH_STATE_TTL_SECONDS,
  });
}

/** Reads and clears the cookie: an authorization attempt is answered once. */
export function takeStateCookie(c: Context, publicUrl: URL): PendingAuthorization | null {
  const raw = getCookie(c, COOKIE);
  deleteCookie(c, COOKIE, {
    path: '/api/auth',
    secure: publicUrl.protocol === 'https:',
    httpOnly: true,
    sameSite: 'Lax',
  });
  if (!raw) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PendingAuthorization;
    return typeof value.state === 'string' && typeof value.codeVerifier === 'string' ? value : null;
  } catch {
    return null;
  }
}
