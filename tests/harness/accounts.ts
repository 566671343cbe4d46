import { randomBytes } from 'node:crypto';
import type { MeResponse } from '@messenjo/shared';
import { SoftAuthenticator } from './webauthn.ts';

/**
 * Real accounts for integration tests, made through the server's real HTTP API with a software
 * passkey (no shortcut into the database):
 *
 *   const alice = await signUp(server().url, { username: 'alice' });
 *   await fetch(`${url}/api/me`, { headers: { cookie: alice.cookie } });
 *   const again = await signIn(server().url, alice);           // a second device/session
 *   await authedFetch(url, alice, '/api/me', { method: 'PATCH', body: JSON.stringify({...}) });
 *
 * `cookie` is the value for a `Cookie` header (also for the sync socket's upgrade request).
 */
export interface TestAccount {
  userId: string;
  /** Null only when signed up with `username: null` (the "choose a username" state). */
  username: string | null;
  /** `Cookie` header value carrying the session. */
  cookie: string;
  /** The software authenticator holding this account's passkey, for `signIn`. */
  authenticator: SoftAuthenticator;
}

export interface SignUpOptions {
  /** Defaults to a fresh unique name; `null` leaves the username unset (first sign-in state). */
  username?: string | null;
  inviteCode?: string;
  /** A user agent, to tell devices apart in the sessions list. */
  userAgent?: string;
}

/** Headers every state-changing call needs: our Origin (CSRF check) and a JSON body. */
export function apiHeaders(baseUrl: string, cookie?: string, userAgent?: string): Record<string, string> {
  return {
    origin: new URL(baseUrl).origin,
    'content-type': 'application/json',
    ...(cookie ? { cookie } : {}),
    ...(userAgent ? { 'user-agent': userAgent } : {}),
  };
}

/** fetch with the account's cookie and our Origin. `path` starts with `/`. */
export function authedFetch(
  baseUrl: string,
  account: { cookie: string } | null,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    ...init,
    headers: {
      ...apiHeaders(baseUrl, account?.cookie),
      ...(init.headers as Record<string, string> | undefined),
    },
    redirect: 'manual',
  });
}

/** The session cookie from a response's Set-Cookie headers, as a `Cookie` header value. */
export function sessionCookieFrom(response: Response): string {
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => /^(__Host-)?messenjo_session=./.test(pair));
  if (!cookie) throw new Error(`no session cookie in the response (${response.status})`);
  return cookie;
}

async function expectOk(response: Response, what: string): Promise<unknown> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${what} failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Creates an account with a new software passkey and returns its session. */
export async function signUp(baseUrl: string, options: SignUpOptions = {}): Promise<TestAccount> {
  const origin = new URL(baseUrl).origin;
  const authenticator = new SoftAuthenticator();
  const username =
    options.username === undefined ? `user_${randomBytes(5).toString('hex')}` : options.username;
  const start = await fetch(`${baseUrl}/api/auth/passkey/register/options`, {
    method: 'POST',
    headers: apiHeaders(baseUrl, undefined, options.userAgent),
    body: JSON.stringify({
      ...(username !== null ? { username } : {}),
      ...(options.inviteCode ? { inviteCode: options.inviteCode } : {}),
    }),
  });
  const { flowId, options: creation } = (await expectOk(start, 'passkey sign-up options')) as {
    flowId: string;
    options: Parameters<SoftAuthenticator['register']>[0];
  };
  const finish = await fetch(`${baseUrl}/api/auth/passkey/register/verify`, {
    method: 'POST',
    headers: apiHeaders(baseUrl, undefined, options.userAgent),
    body: JSON.stringify({ flowId, response: authenticator.register(creation, origin) }),
  });
  const me = (await expectOk(finish, 'passkey sign-up')) as MeResponse;
  return { userId: me.id, username: me.username, cookie: sessionCookieFrom(finish), authenticator };
}

/** Signs in again with the account's passkey: a new session (another device). Returns its cookie. */
export async function signIn(
  baseUrl: string,
  account: Pick<TestAccount, 'authenticator'>,
  /** `cookie`: the session cookie this browser already holds (signing in again on the same device). */
  options: { userAgent?: string; credentialId?: string; cookie?: string } = {},
): Promise<{ userId: string; cookie: string }> {
  const origin = new URL(baseUrl).origin;
  const start = await fetch(`${baseUrl}/api/auth/passkey/login/options`, {
    method: 'POST',
    headers: apiHeaders(baseUrl, undefined, options.userAgent),
  });
  const { flowId, options: request } = (await expectOk(start, 'passkey sign-in options')) as {
    flowId: string;
    options: Parameters<SoftAuthenticator['authenticate']>[0];
  };
  const finish = await fetch(`${baseUrl}/api/auth/passkey/login/verify`, {
    method: 'POST',
    headers: apiHeaders(baseUrl, options.cookie, options.userAgent),
    body: JSON.stringify({
      flowId,
      response: account.authenticator.authenticate(request, origin, options.credentialId),
    }),
  });
  const me = (await expectOk(finish, 'passkey sign-in')) as MeResponse;
  return { userId: me.id, cookie: sessionCookieFrom(finish) };
}

export { SoftAuthenticator };
