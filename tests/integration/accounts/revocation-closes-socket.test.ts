import { CLOSE_CODES, type SessionsResponse } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { eventually, nodeDevice, RawPeer } from '../../harness/sync.ts';

/**
 * Signing a device out through the accounts API closes its sync socket: the revocation's event
 * closes it, no timer (how soon is not asserted: a loaded machine is slow, speed is benchmarked).
 */
describe('session revocation and the sync socket (built server)', () => {
  const server = useServer('accounts-revocation-socket');

  it('closes the socket of a device signed out from another device, and its next request is 401', async () => {
    const laptop = await signUp(server().url);
    const phone = await signIn(server().url, laptop);
    const socket = await RawPeer.connect(server().url, phone.cookie);
    const sessions = (
      (await (await authedFetch(server().url, laptop, '/api/me/sessions')).json()) as SessionsResponse
    ).sessions;
    const phoneSession = sessions.find((s) => !s.current)!;
    await authedFetch(server().url, laptop, `/api/me/sessions/${phoneSession.id}`, { method: 'DELETE' });
    expect(await socket.waitClosed()).toBe(CLOSE_CODES.session_revoked.code);
    expect((await authedFetch(server().url, phone, '/api/me')).status).toBe(401);
  });

  it('closes every other socket on "sign out everywhere else" and on sign-out; keeps this one', async () => {
    const main = await signUp(server().url);
    const other = await signIn(server().url, main);
    const mine = await RawPeer.connect(server().url, main.cookie);
    const theirs = await RawPeer.connect(server().url, other.cookie);
    await authedFetch(server().url, main, '/api/me/sessions/revoke-others', { method: 'POST' });
    expect(await theirs.waitClosed()).toBe(CLOSE_CODES.session_revoked.code);
    expect(mine.closeCode).toBeUndefined();
    await authedFetch(server().url, main, '/api/auth/sign-out', { method: 'POST' });
    expect(await mine.waitClosed()).toBe(CLOSE_CODES.session_revoked.code);
  });

  it('closes the sockets of a deleted account', async () => {
    const leaving = await signUp(server().url);
    const socket = await RawPeer.connect(server().url, leaving.cookie);
    await authedFetch(server().url, leaving, '/api/me', { method: 'DELETE' });
    const code = await socket.waitClosed();
    expect([CLOSE_CODES.session_revoked.code, CLOSE_CODES.user_deleted.code]).toContain(code);
  });

  it('[HS1] a device signed out while it was offline learns it when it reconnects, and stops retrying', async () => {
    const laptop = await signUp(server().url);
    const phone = await signIn(server().url, laptop);
    const sessions = (
      (await (await authedFetch(server().url, laptop, '/api/me/sessions')).json()) as SessionsResponse
    ).sessions;
    await authedFetch(server().url, laptop, `/api/me/sessions/${sessions.find((s) => !s.current)!.id}`, {
      method: 'DELETE',
    });
    const device = nodeDevice(server().url, phone.cookie);
    device.start();
    await eventually(() => device.status.get() === 'signed_out', 'the device shows it is signed out');
    await device.stop();
  });
});
