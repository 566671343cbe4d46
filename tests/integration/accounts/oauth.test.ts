import type { MeResponse, ProvidersResponse } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signUp } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { runOAuthFlow } from '../../harness/oauth-flow.ts';
import { startOAuthStandins, type OAuthStandins } from '../../harness/oauth-standins.ts';
import type { ServerOptions } from '../../harness/server.ts';

describe('GitHub and Google sign-in against local stand-ins', () => {
  let standins: OAuthStandins;
  const options: ServerOptions = { env: {} };
  beforeAll(async () => {
    standins = await startOAuthStandins();
    Object.assign(options.env!, standins.env);
  });
  afterAll(() => standins?.close());
  const server = useServer('accounts-oauth', options);
  const me = async (cookie: string) =>
    (await (await authedFetch(server().url, { cookie }, '/api/me')).json()) as MeResponse;
  const errorOf = (location: string) => new URL(location, 'http://x').searchParams.get('error');

  it('lists both providers for the sign-in page', async () => {
    const body = (await (await fetch(`${server().url}/api/auth/providers`)).json()) as ProvidersResponse;
    expect(body.providers).toEqual([
      { id: 'github', name: 'GitHub' },
      { id: 'google', name: 'Google' },
    ]);
  });

  it('creates an account with GitHub (no scope asked), suggests the login as username, signs in again to it', async () => {
    standins.nextUser = { id: '1001', login: 'octo-cat', name: 'Octo Cat' };
    const first = await runOAuthFlow(server().url, 'github');
    expect(first.location).toBe('/');
    expect(first.cookie).not.toBeNull();
    const request = standins.authorizeRequests.at(-1)!;
    expect(request.has('scope')).toBe(false);
    expect(request.get('redirect_uri')).toBe(`${server().url}/api/auth/github/callback`);
    const profile = await me(first.cookie!);
    expect(profile).toMatchObject({ username: null, suggestedUsername: 'octo-cat', displayName: 'Octo Cat' });
    expect(profile.methods.map((m) => m.label)).toEqual(['GitHub (octo-cat)']);
    // GitHub's avatar became the profile picture, re-encoded like an upload.
    expect(profile.picture?.large).toMatch(/^\/media\/[0-9a-f]{64}-256\.webp$/);
    expect((await fetch(`${server().url}${profile.picture!.large}`)).status).toBe(200);

    const again = await runOAuthFlow(server().url, 'github');
    expect((await me(again.cookie!)).id).toBe(profile.id);
  });

  it('signs in with Google using PKCE (S256) and the userinfo profile', async () => {
    standins.nextUser = { id: 'g-42', login: 'ignored', name: 'Gloria Google' };
    const result = await runOAuthFlow(server().url, 'google');
    expect(result.location).toBe('/');
    const request = standins.authorizeRequests.at(-1)!;
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    // Google's avatar URL answers 404 here: the account is made anyway, with the initial.
    expect(await me(result.cookie!)).toMatchObject({
      displayName: 'Gloria Google',
      suggestedUsername: null,
      picture: null,
    });
  });

  it("keeps a provider's display name only when it passes our rules", async () => {
    standins.nextUser = { id: '4004', login: 'weird', name: `Bell\u0007 ${'x'.repeat(80)}` };
    const result = await runOAuthFlow(server().url, 'github');
    expect((await me(result.cookie!)).displayName).toBe('');
  });

  it('returns to the sign-in page with a readable reason when cancelled or the state does not match', async () => {
    standins.denyNext = true;
    const cancelled = await runOAuthFlow(server().url, 'github');
    expect(cancelled.cookie).toBeNull();
    expect(cancelled.location).toMatch(/^\/signin\?error=/);
    expect(errorOf(cancelled.location)).toBe('Sign-in with GitHub was cancelled');

    const forged = await runOAuthFlow(server().url, 'google', { tamperState: true });
    expect(forged.cookie).toBeNull();
    expect(errorOf(forged.location)).toBe('The answer from Google did not match this sign-in: try again');

    const noCookie = await fetch(`${server().url}/api/auth/github/callback?code=abc&state=def`, {
      redirect: 'manual',
    });
    expect(errorOf(noCookie.headers.get('location')!)).toBe(
      'The sign-in with GitHub expired or was started elsewhere: try again',
    );
    const disabled = await fetch(`${server().url}/api/auth/oidc/start`, { redirect: 'manual' });
    expect(disabled.status).toBe(404);
  });

  it('links GitHub to a passkey account, signs in with either, and unlinks (never the last way in)', async () => {
    const account = await signUp(server().url, { username: 'linker' });
    standins.nextUser = { id: '2002', login: 'linker-gh', name: 'Linker' };
    const linked = await runOAuthFlow(server().url, 'github', { cookie: account.cookie, mode: 'link' });
    expect(linked.location).toBe('/settings');
    expect(linked.cookie).toBeNull(); // the same session goes on
    expect((await me(account.cookie)).methods.map((m) => m.kind)).toEqual(['passkey', 'github']);

    const viaGithub = await runOAuthFlow(server().url, 'github');
    expect((await me(viaGithub.cookie!)).id).toBe(account.userId);

    // The same GitHub account cannot be linked to someone else.
    const other = await signUp(server().url);
    const stolen = await runOAuthFlow(server().url, 'github', { cookie: other.cookie, mode: 'link' });
    expect(stolen.location).toMatch(/^\/settings\?error=/);
    expect(errorOf(stolen.location)).toBe(
      'This GitHub account is already linked to another Messenjo account',
    );

    // Unlink needs the caller's own link; then the passkey is the last way in and stays.
    expect(
      (await authedFetch(server().url, other, '/api/me/identities/github', { method: 'DELETE' })).status,
    ).toBe(404);
    const unlinked = await authedFetch(server().url, account, '/api/me/identities/github', {
      method: 'DELETE',
    });
    expect(unlinked.status).toBe(200);
    expect((await me(account.cookie)).methods.map((m) => m.kind)).toEqual(['passkey']);
    const passkeyId = account.authenticator.credentials[0]!.id;
    const last = await authedFetch(server().url, account, `/api/me/passkeys/${passkeyId}`, {
      method: 'DELETE',
    });
    expect(last.status).toBe(409);
  });

  it('never unlinks the only method of a GitHub-only account; linking needs a session', async () => {
    standins.nextUser = { id: '3003', login: 'solo', name: 'Solo' };
    const solo = await runOAuthFlow(server().url, 'github');
    const response = await authedFetch(server().url, { cookie: solo.cookie! }, '/api/me/identities/github', {
      method: 'DELETE',
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('last_sign_in_method');
    const anonymousLink = await runOAuthFlow(server().url, 'github', { mode: 'link' });
    expect(anonymousLink.location).toMatch(/^\/signin\?error=/);
    expect(
      (await authedFetch(server().url, null, '/api/me/identities/github', { method: 'DELETE' })).status,
    ).toBe(401);
  });
});
