import { CLOSE_CODES, type SessionStateResponse } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { eventually, RawPeer } from '../../harness/sync.ts';

/**
 * SE1/SE2/SE3 against the built server, sessions living 6 seconds (SESSION_LIFETIME_SECONDS): a
 * session that ran out of time is told apart from one that was revoked, on HTTP and on the
 * sync socket. The tests wait for the real expiry (a condition), never for a fixed time.
 */
describe('an expired session is not a revoked one (built server)', () => {
  const LIFETIME_MS = 6_000;
  const server = useServer('accounts-session-expiry', {
    env: { SESSION_LIFETIME_SECONDS: String(LIFETIME_MS / 1000) },
  });

  const sessionState = async (account: { cookie: string }): Promise<SessionStateResponse> =>
    (await (await authedFetch(server().url, account, '/api/auth/session')).json()) as SessionStateResponse;
  const errorCode = async (response: Response): Promise<string> =>
    ((await response.json()) as { error: { code: string } }).error.code;
  /**
   * Waits until a session made before `madeBy` has run out of time. Asking the server would
   * renew it (sliding expiry), so the condition is the clock the server shares with the test.
   */
  const expiredAfter = (madeBy: number) =>
    eventually(() => Date.now() > madeBy + LIFETIME_MS, 'the session ran out of time');

  it('[SE1] answers an expired session session_expired on HTTP and 4006 on the socket, and keeps its cookie', async () => {
    const alice: TestAccount = await signUp(server().url);
    await expiredAfter(Date.now());
    expect(await sessionState(alice)).toEqual({ me: null, sessionExpired: true });
    const me = await authedFetch(server().url, alice, '/api/me');
    expect(me.status).toBe(401);
    expect(me.headers.getSetCookie()).toEqual([]);
    expect(await errorCode(me)).toBe('session_expired');
    const socket = await RawPeer.connect(server().url, alice.cookie, { hello: false });
    expect(await socket.waitClosed()).toBe(CLOSE_CODES.session_expired.code);
    expect(socket.frames).toEqual([]);
    // It grants nothing: a state-changing route refuses it the same way.
    const rename = await authedFetch(server().url, alice, '/api/me', {
      method: 'PATCH',
      body: JSON.stringify({ displayName: 'Mallory' }),
    });
    expect([rename.status, await errorCode(rename)]).toEqual([401, 'session_expired']);
  });

  it('[SE2] signing in again on that device replaces the expired session; signing out ends it for good', async () => {
    const alice = await signUp(server().url);
    await expiredAfter(Date.now());
    const again = await signIn(server().url, alice, { cookie: alice.cookie });
    const againMadeBy = Date.now();
    expect(again.userId).toBe(alice.userId);
    // The old cookie now names nothing: it would be revoked, not expired.
    expect(await sessionState(alice)).toEqual({ me: null, sessionExpired: false });
    const late = await authedFetch(server().url, alice, '/api/me');
    expect(await errorCode(late)).toBe('unauthenticated');
    // SE3: such an answer (a request sent before the sign-in, answered after it) leaves the
    // browser's cookie alone: clearing it would delete the new session's cookie.
    expect(late.headers.getSetCookie()).toEqual([]);
    expect((await sessionState(again)).me?.id).toBe(alice.userId);
    const stale = await RawPeer.connect(server().url, alice.cookie, { hello: false });
    expect(await stale.waitClosed()).toBe(CLOSE_CODES.unauthenticated.code);

    await expiredAfter(againMadeBy);
    expect(await sessionState(again)).toEqual({ me: null, sessionExpired: true });
    const out = await authedFetch(server().url, again, '/api/auth/sign-out', { method: 'POST' });
    expect(out.status).toBe(204);
    expect(await sessionState(again)).toEqual({ me: null, sessionExpired: false });
  });

  it('[SE2] "sign out everywhere else" revokes an expired device too: it hears unauthenticated, not expired', async () => {
    const lost = await signUp(server().url);
    await expiredAfter(Date.now());
    const kept = await signIn(server().url, lost);
    const revoked = await authedFetch(server().url, kept, '/api/me/sessions/revoke-others', {
      method: 'POST',
    });
    expect(revoked.status).toBe(200);
    expect(await errorCode(await authedFetch(server().url, lost, '/api/me'))).toBe('unauthenticated');
    const socket = await RawPeer.connect(server().url, lost.cookie, { hello: false });
    expect(await socket.waitClosed()).toBe(CLOSE_CODES.unauthenticated.code);
  });
});
