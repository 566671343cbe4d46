import type { MeResponse } from '@messenjo/shared';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { apiHeaders, authedFetch, signIn, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';

type ErrorBody = { error: { code: string; message: string; field?: string } };

describe('passkeys on an account, and account deletion', () => {
  const server = useServer('accounts-methods');
  const me = async (account: { cookie: string }) =>
    (await (await authedFetch(server().url, account, '/api/me')).json()) as MeResponse;

  async function addPasskey(account: TestAccount, name: string): Promise<string> {
    const start = await authedFetch(server().url, account, '/api/auth/passkey/add/options', {
      method: 'POST',
    });
    expect(start.status).toBe(200);
    const { flowId, options } = (await start.json()) as {
      flowId: string;
      options: Parameters<TestAccount['authenticator']['register']>[0] & { excludeCredentials: unknown[] };
    };
    expect(options.excludeCredentials.length).toBeGreaterThan(0);
    const finish = await authedFetch(server().url, account, '/api/auth/passkey/add/verify', {
      method: 'POST',
      body: JSON.stringify({ flowId, name, response: account.authenticator.register(options, server().url) }),
    });
    expect(finish.status).toBe(201);
    return account.authenticator.credentials.at(-1)!.id;
  }

  it('adds a second passkey, signs in with it, and never removes the last one', async () => {
    const account = await signUp(server().url);
    const firstId = account.authenticator.credentials[0]!.id;
    const lonely = await authedFetch(server().url, account, `/api/me/passkeys/${firstId}`, {
      method: 'DELETE',
    });
    expect(lonely.status).toBe(409);
    expect(((await lonely.json()) as ErrorBody).error.code).toBe('last_sign_in_method');

    const secondId = await addPasskey(account, 'Security key');
    expect((await me(account)).methods.map((m) => m.label)).toEqual(['Passkey', 'Passkey (Security key)']);
    const viaSecond = await signIn(server().url, account, { credentialId: secondId });
    expect(viaSecond.userId).toBe(account.userId);

    const removed = await authedFetch(server().url, account, `/api/me/passkeys/${firstId}`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as MeResponse).methods.map((m) => m.id)).toEqual([secondId]);
    await expect(signIn(server().url, account, { credentialId: firstId })).rejects.toThrow(/not registered/);
  });

  it("cannot remove or see another user's passkey", async () => {
    const alice = await signUp(server().url);
    const mallory = await signUp(server().url);
    await addPasskey(mallory, 'spare');
    const aliceKey = alice.authenticator.credentials[0]!.id;
    const response = await authedFetch(server().url, mallory, `/api/me/passkeys/${aliceKey}`, {
      method: 'DELETE',
    });
    expect(response.status).toBe(404);
    expect((await me(mallory)).methods.map((m) => m.id)).not.toContain(aliceKey);
    expect((await me(alice)).methods).toHaveLength(1);
    expect(
      (await authedFetch(server().url, null, `/api/me/passkeys/${aliceKey}`, { method: 'DELETE' })).status,
    ).toBe(401);
  });

  it('deletes an account: methods, sessions, picture and profile go; the username becomes free', async () => {
    const account = await signUp(server().url, { username: 'leaving' });
    const otherDevice = await signIn(server().url, account);
    const png = await sharp({ create: { width: 30, height: 30, channels: 3, background: '#123' } })
      .png()
      .toBuffer();
    const withPicture = (await (
      await authedFetch(server().url, account, '/api/me/picture', {
        method: 'PUT',
        body: new Uint8Array(png),
      })
    ).json()) as MeResponse;

    const response = await authedFetch(server().url, account, '/api/me', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect((await authedFetch(server().url, account, '/api/me')).status).toBe(401);
    expect((await authedFetch(server().url, otherDevice, '/api/me')).status).toBe(401);
    expect((await fetch(`${server().url}${withPicture.picture!.large}`)).status).toBe(404);
    await expect(signIn(server().url, account)).rejects.toThrow(/not registered/);
    // The name is free again for someone else.
    const next = await fetch(`${server().url}/api/auth/passkey/register/options`, {
      method: 'POST',
      headers: apiHeaders(server().url),
      body: JSON.stringify({ username: 'leaving' }),
    });
    expect(next.status).toBe(200);
    expect((await authedFetch(server().url, null, '/api/me', { method: 'DELETE' })).status).toBe(401);
  });
});
