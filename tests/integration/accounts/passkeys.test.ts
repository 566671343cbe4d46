import type { MeResponse, ProvidersResponse } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { apiHeaders, authedFetch, signIn, signUp } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';

describe('passkey accounts over HTTP', () => {
  const server = useServer('accounts-passkeys');

  it('tells the app that passkeys are on and registration is open by default', async () => {
    const response = await fetch(`${server().url}/api/auth/providers`);
    expect(response.status).toBe(200);
    expect((await response.json()) as ProvidersResponse).toEqual({
      passkey: true,
      providers: [],
      registration: 'open',
    });
  });

  it('answers /api/me anonymously with a 401 envelope', async () => {
    const response = await fetch(`${server().url}/api/me`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: 'unauthenticated', message: 'Sign in to continue' },
    });
  });

  it('signs up with a passkey, the first account is admin, and /api/me shows the user', async () => {
    const alice = await signUp(server().url, { username: 'Alice' });
    const response = await authedFetch(server().url, alice, '/api/me');
    expect(response.status).toBe(200);
    const me = (await response.json()) as MeResponse;
    expect(me).toMatchObject({
      id: alice.userId,
      username: 'Alice',
      displayName: 'Alice',
      picture: null,
      isAdmin: true,
    });
    expect(me.methods).toHaveLength(1);
    expect(me.methods[0]?.kind).toBe('passkey');
    const bob = await signUp(server().url);
    const bobMe = (await (await authedFetch(server().url, bob, '/api/me')).json()) as MeResponse;
    expect(bobMe.isAdmin).toBe(false);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, without Secure over http', async () => {
    const start = await fetch(`${server().url}/api/auth/passkey/login/options`, {
      method: 'POST',
      headers: apiHeaders(server().url),
    });
    expect(start.status).toBe(200);
    const account = await signUp(server().url);
    const again = await fetch(`${server().url}/api/auth/passkey/login/options`, {
      method: 'POST',
      headers: apiHeaders(server().url),
    });
    const { flowId, options } = (await again.json()) as { flowId: string; options: { challenge: string } };
    const response = await fetch(`${server().url}/api/auth/passkey/login/verify`, {
      method: 'POST',
      headers: apiHeaders(server().url),
      body: JSON.stringify({ flowId, response: account.authenticator.authenticate(options, server().url) }),
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/messenjo_session=[a-z2-7]{32}/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
  });

  it('signs out (the cookie stops working) and signs back in with the same passkey', async () => {
    const carol = await signUp(server().url, { username: 'carol' });
    const out = await authedFetch(server().url, carol, '/api/auth/sign-out', { method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join('\n')).toMatch(/messenjo_session=;.*Max-Age=0/);
    expect((await authedFetch(server().url, carol, '/api/me')).status).toBe(401);

    const back = await signIn(server().url, carol);
    expect(back.userId).toBe(carol.userId);
    const me = (await (await authedFetch(server().url, back, '/api/me')).json()) as MeResponse;
    expect(me.username).toBe('carol');
  });

  it('refuses a replayed sign-in answer and an unknown passkey', async () => {
    const dave = await signUp(server().url);
    const start = await fetch(`${server().url}/api/auth/passkey/login/options`, {
      method: 'POST',
      headers: apiHeaders(server().url),
    });
    const { flowId, options } = (await start.json()) as { flowId: string; options: { challenge: string } };
    const body = JSON.stringify({ flowId, response: dave.authenticator.authenticate(options, server().url) });
    const first = await fetch(`${server().url}/api/auth/passkey/login/verify`, {
      method: 'POST',
      headers: apiHeaders(server().url),
      body,
    });
    expect(first.status).toBe(200);
    const replay = await fetch(`${server().url}/api/auth/passkey/login/verify`, {
      method: 'POST',
      headers: apiHeaders(server().url),
      body,
    });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('verification_failed');
  });

  it('refuses a passkey answer made for another origin', async () => {
    const erin = await signUp(server().url);
    const start = await fetch(`${server().url}/api/auth/passkey/login/options`, {
      method: 'POST',
      headers: apiHeaders(server().url),
    });
    const { flowId, options } = (await start.json()) as { flowId: string; options: { challenge: string } };
    erin.authenticator.credentials[0]!.rpId = 'evil.example';
    const response = await fetch(`${server().url}/api/auth/passkey/login/verify`, {
      method: 'POST',
      headers: apiHeaders(server().url),
      body: JSON.stringify({
        flowId,
        response: erin.authenticator.authenticate(
          { ...options, rpId: 'evil.example' },
          'https://evil.example',
        ),
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('verification_failed');
  });

  it('refuses state-changing requests from another origin or without an Origin', async () => {
    const frank = await signUp(server().url);
    const crossSite = await fetch(`${server().url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: frank.cookie, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe('cross_site_request');
    const noOrigin = await fetch(`${server().url}/api/me`, {
      method: 'PATCH',
      headers: { cookie: frank.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Hacked' }),
    });
    expect(noOrigin.status).toBe(403);
    // Still signed in and unchanged.
    const me = (await (await authedFetch(server().url, frank, '/api/me')).json()) as MeResponse;
    expect(me.displayName).not.toBe('Hacked');
  });

  it('limits sign-in attempts per address with a 429 in the envelope', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 90; i++) {
      const response = await fetch(`${server().url}/api/auth/passkey/login/options`, {
        method: 'POST',
        headers: apiHeaders(server().url),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('rate_limited');
        expect(body.error.message).toMatch(/^Too many sign-in attempts; try again in \d+ s$/);
        break;
      }
    }
    expect(statuses.at(-1)).toBe(429);
  });
});
