import type { SessionsResponse } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { apiHeaders, authedFetch, sessionCookieFrom, signIn, signUp } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';

const LAPTOP =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

async function sessionsOf(url: string, account: { cookie: string }): Promise<SessionsResponse['sessions']> {
  const response = await authedFetch(url, account, '/api/me/sessions');
  expect(response.status).toBe(200);
  return ((await response.json()) as SessionsResponse).sessions;
}

describe('sessions per device', () => {
  const server = useServer('accounts-sessions');

  it('lists each device by its user agent with the current one marked', async () => {
    const laptop = await signUp(server().url, { userAgent: LAPTOP });
    const phone = await signIn(server().url, laptop, { userAgent: PHONE });
    const fromPhone = await sessionsOf(server().url, phone);
    expect(fromPhone.map((s) => [s.deviceName, s.current]).sort()).toEqual([
      ['Chrome on Linux', false],
      ['Safari on iOS', true],
    ]);
    for (const s of fromPhone) {
      expect(s.lastActiveAt).toBeGreaterThan(0);
      expect(s.id).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('signs out another device: its next request is 401', async () => {
    const laptop = await signUp(server().url, { userAgent: LAPTOP });
    const phone = await signIn(server().url, laptop, { userAgent: PHONE });
    const phoneSession = (await sessionsOf(server().url, laptop)).find((s) => !s.current)!;
    const response = await authedFetch(server().url, laptop, `/api/me/sessions/${phoneSession.id}`, {
      method: 'DELETE',
    });
    expect(response.status).toBe(204);
    expect((await authedFetch(server().url, phone, '/api/me')).status).toBe(401);
    expect((await authedFetch(server().url, laptop, '/api/me')).status).toBe(200);
  });

  it('signs out this device from the list', async () => {
    const laptop = await signUp(server().url);
    const current = (await sessionsOf(server().url, laptop)).find((s) => s.current)!;
    const response = await authedFetch(server().url, laptop, `/api/me/sessions/${current.id}`, {
      method: 'DELETE',
    });
    expect(response.status).toBe(204);
    expect((await authedFetch(server().url, laptop, '/api/me')).status).toBe(401);
  });

  it('signs out everywhere else and keeps this device', async () => {
    const a = await signUp(server().url);
    const b = await signIn(server().url, a);
    const c = await signIn(server().url, a);
    const response = await authedFetch(server().url, a, '/api/me/sessions/revoke-others', { method: 'POST' });
    expect(await response.json()).toEqual({ revoked: 2 });
    expect((await authedFetch(server().url, a, '/api/me')).status).toBe(200);
    expect((await authedFetch(server().url, b, '/api/me')).status).toBe(401);
    expect((await authedFetch(server().url, c, '/api/me')).status).toBe(401);
    expect(await sessionsOf(server().url, a)).toHaveLength(1);
  });

  it("never shows or revokes another user's sessions", async () => {
    const alice = await signUp(server().url);
    const mallory = await signUp(server().url);
    const aliceSession = (await sessionsOf(server().url, alice))[0]!;
    const sessions = await sessionsOf(server().url, mallory);
    expect(sessions.map((s) => s.id)).not.toContain(aliceSession.id);
    const response = await authedFetch(server().url, mallory, `/api/me/sessions/${aliceSession.id}`, {
      method: 'DELETE',
    });
    expect(response.status).toBe(404);
    await authedFetch(server().url, mallory, '/api/me/sessions/revoke-others', { method: 'POST' });
    expect((await authedFetch(server().url, alice, '/api/me')).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/api/me/sessions'],
      ['DELETE', `/api/me/sessions/${aliceSession.id}`],
      ['POST', '/api/me/sessions/revoke-others'],
    ] as const) {
      expect((await authedFetch(server().url, null, path, { method })).status).toBe(401);
    }
  });

  it('ends the session a browser already had when it signs in again', async () => {
    const first = await signUp(server().url);
    const start = await fetch(`${server().url}/api/auth/passkey/login/options`, {
      method: 'POST',
      headers: apiHeaders(server().url, first.cookie),
    });
    const { flowId, options } = (await start.json()) as { flowId: string; options: { challenge: string } };
    const again = await fetch(`${server().url}/api/auth/passkey/login/verify`, {
      method: 'POST',
      headers: apiHeaders(server().url, first.cookie),
      body: JSON.stringify({ flowId, response: first.authenticator.authenticate(options, server().url) }),
    });
    expect(again.status).toBe(200);
    const second = { cookie: sessionCookieFrom(again) };
    expect((await authedFetch(server().url, first, '/api/me')).status).toBe(401);
    expect(await sessionsOf(server().url, second)).toHaveLength(1);
  });
});
