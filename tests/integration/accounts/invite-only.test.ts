import type { InviteInfo, ProvidersResponse } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHeaders, authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { runOAuthFlow } from '../../harness/oauth-flow.ts';
import { startOAuthStandins, type OAuthStandins } from '../../harness/oauth-standins.ts';
import type { ServerOptions } from '../../harness/server.ts';

type ErrorBody = { error: { code: string; message: string; field?: string } };

describe('invite-only registration', () => {
  let adminAccount: TestAccount | undefined;
  let standins: OAuthStandins;
  const options: ServerOptions = { env: { REGISTRATION: 'invite-only' } };
  beforeAll(async () => {
    standins = await startOAuthStandins();
    Object.assign(options.env!, standins.env);
  });
  afterAll(() => standins?.close());
  const server = useServer('accounts-invite-only', options);
  const startSignUp = (inviteCode?: string) =>
    fetch(`${server().url}/api/auth/passkey/register/options`, {
      method: 'POST',
      headers: apiHeaders(server().url),
      body: JSON.stringify(inviteCode ? { inviteCode } : {}),
    });

  it('lets the first person in without an invite and makes them admin; then asks for one', async () => {
    const providers = (await (await fetch(`${server().url}/api/auth/providers`)).json()) as ProvidersResponse;
    expect(providers.registration).toBe('invite-only');
    const admin = await signUp(server().url, { username: 'founder' });
    adminAccount = admin;
    const me = (await (await authedFetch(server().url, admin, '/api/me')).json()) as { isAdmin: boolean };
    expect(me.isAdmin).toBe(true);

    const refused = await startSignUp();
    expect(refused.status).toBe(403);
    expect((await refused.json()) as ErrorBody).toEqual({
      error: {
        code: 'invite_required',
        field: 'inviteCode',
        message: 'This server is invite-only: open an invite link to sign up',
      },
    });
    const unknown = await startSignUp('not-a-real-code');
    expect(((await unknown.json()) as ErrorBody).error.code).toBe('invalid_invite');
  });

  it('an admin makes an invite link; it admits one person, once; non-admins cannot make one', async () => {
    const founder = await signUp(server().url, { username: 'founder2' }).catch((error: Error) => error);
    expect(founder).toBeInstanceOf(Error); // nobody gets in uninvited after the first account
    expect((await authedFetch(server().url, null, '/api/admin/invites', { method: 'POST' })).status).toBe(
      401,
    );

    const admin = adminAccount!;
    const created = await authedFetch(server().url, admin, '/api/admin/invites', { method: 'POST' });
    expect(created.status).toBe(201);
    const invite = (await created.json()) as InviteInfo;
    expect(invite.url).toBe(`${new URL(server().url).origin}/signin?invite=${invite.code}`);

    const guest = await signUp(server().url, { username: 'guest', inviteCode: invite.code });
    const guestMe = (await (await authedFetch(server().url, guest, '/api/me')).json()) as {
      isAdmin: boolean;
    };
    expect(guestMe.isAdmin).toBe(false);
    const reused = await startSignUp(invite.code);
    expect(reused.status).toBe(403);
    expect(((await reused.json()) as ErrorBody).error.code).toBe('invalid_invite');

    const list = (await (await authedFetch(server().url, admin, '/api/admin/invites')).json()) as {
      invites: InviteInfo[];
    };
    expect(list.invites.find((i) => i.code === invite.code)?.usedAt).toBeGreaterThan(0);

    const notAdmin = await authedFetch(server().url, guest, '/api/admin/invites', { method: 'POST' });
    expect(notAdmin.status).toBe(403);
    expect((await authedFetch(server().url, guest, '/api/admin/invites')).status).toBe(403);
  });

  it('applies to GitHub sign-up too: refused without an invite, admitted with one', async () => {
    standins.nextUser = { id: '9009', login: 'invited-gh', name: 'Invited' };
    const refused = await runOAuthFlow(server().url, 'github');
    expect(refused.cookie).toBeNull();
    expect(new URL(refused.location, 'http://x').searchParams.get('error')).toBe(
      'This server is invite-only: open an invite link to sign up',
    );
    const invite = (await (
      await authedFetch(server().url, adminAccount!, '/api/admin/invites', { method: 'POST' })
    ).json()) as InviteInfo;
    const admitted = await runOAuthFlow(server().url, 'github', { invite: invite.code });
    expect(admitted.location).toBe('/');
    expect(admitted.cookie).not.toBeNull();
  });
});
