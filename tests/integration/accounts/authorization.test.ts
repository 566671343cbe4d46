import type { MeResponse, SessionsResponse } from '@messenjo/shared';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';

/**
 * Every accounts route, tried anonymously (401) and by another user, who can neither read nor
 * change the victim's sessions, sign-in methods or profile.
 */
describe('accounts authorization', () => {
  const server = useServer('accounts-authorization');
  const call = (account: { cookie: string } | null, method: string, path: string, body?: unknown) =>
    authedFetch(server().url, account, path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const snapshot = async (victim: TestAccount) => {
    const me = (await (await call(victim, 'GET', '/api/me')).json()) as MeResponse;
    const sessions = ((await (await call(victim, 'GET', '/api/me/sessions')).json()) as SessionsResponse)
      .sessions;
    return { me, sessionIds: sessions.map((s) => s.id).sort() };
  };

  it('answers every protected route anonymously with 401 in the envelope', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/me'],
      ['PATCH', '/api/me', { displayName: 'x' }],
      ['DELETE', '/api/me'],
      ['GET', '/api/me/sessions'],
      ['DELETE', '/api/me/sessions/abc'],
      ['POST', '/api/me/sessions/revoke-others'],
      ['DELETE', '/api/me/passkeys/abc'],
      ['DELETE', '/api/me/identities/github'],
      ['PUT', '/api/me/picture'],
      ['DELETE', '/api/me/picture'],
      ['POST', '/api/auth/passkey/add/options'],
      ['POST', '/api/auth/passkey/add/verify', { flowId: 'x', response: {} }],
      ['POST', '/api/admin/invites'],
      ['GET', '/api/admin/invites'],
    ];
    for (const [method, path, body] of routes) {
      const response = await call(null, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });

  it("lets another user touch nothing of the victim's sessions, methods or profile", async () => {
    const victim = await signUp(server().url, { username: 'victim' });
    await signIn(server().url, victim); // a second device
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#456' } })
      .png()
      .toBuffer();
    await authedFetch(server().url, victim, '/api/me/picture', { method: 'PUT', body: new Uint8Array(png) });
    const before = await snapshot(victim);
    const victimPasskey = victim.authenticator.credentials[0]!.id;

    const mallory = await signUp(server().url, { username: 'mallory' });
    // Addressing the victim's things by id: 404, as if they did not exist.
    for (const id of before.sessionIds) {
      expect((await call(mallory, 'DELETE', `/api/me/sessions/${id}`)).status).toBe(404);
    }
    expect((await call(mallory, 'DELETE', `/api/me/passkeys/${victimPasskey}`)).status).toBe(404);
    expect((await call(mallory, 'DELETE', '/api/me/identities/github')).status).toBe(404);
    // A passkey-add flow the victim started cannot be finished by someone else.
    const started = (await (await call(victim, 'POST', '/api/auth/passkey/add/options')).json()) as {
      flowId: string;
      options: Parameters<TestAccount['authenticator']['register']>[0];
    };
    const hijack = await call(mallory, 'POST', '/api/auth/passkey/add/verify', {
      flowId: started.flowId,
      response: mallory.authenticator.register(started.options, server().url),
    });
    expect(hijack.status).toBe(400);
    // Mallory's own "me" routes act on Mallory only.
    expect((await call(mallory, 'PATCH', '/api/me', { displayName: 'Not the victim' })).status).toBe(200);
    expect((await call(mallory, 'DELETE', '/api/me/picture')).status).toBe(200);
    expect((await call(mallory, 'POST', '/api/me/sessions/revoke-others')).status).toBe(200);
    const malloryView = ((await (await call(mallory, 'GET', '/api/me/sessions')).json()) as SessionsResponse)
      .sessions;
    expect(malloryView.map((s) => s.id).some((id) => before.sessionIds.includes(id))).toBe(false);
    // Not an admin: no invites.
    expect((await call(mallory, 'POST', '/api/admin/invites')).status).toBe(403);
    expect((await call(mallory, 'DELETE', '/api/me')).status).toBe(204);

    expect(await snapshot(victim)).toEqual(before);
  });
});
