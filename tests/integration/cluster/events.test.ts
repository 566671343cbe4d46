import { CLOSE_CODES, segmentDocId } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp, type TestAccount } from '../../harness/accounts.ts';
import { startCluster, type Cluster } from '../../harness/cluster.ts';
import { makeFriends, ok } from '../../harness/social.ts';
import { RawPeer } from '../../harness/sync.ts';

/**
 * Issue 18, the server's events between processes: three server processes over one PostgreSQL
 * and one Redis; a change made through one process reaches the sockets held by the others.
 */
let cluster: Cluster;
let failed = false;
const sockets: RawPeer[] = [];
beforeAll(async () => {
  cluster = await startCluster(3);
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await cluster?.dispose(failed);
});

async function connect(url: string, cookie: string): Promise<RawPeer> {
  const socket = await RawPeer.connect(url, cookie);
  sockets.push(socket);
  return socket;
}

function subscribe(socket: RawPeer, docId: string): Promise<unknown> {
  socket.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
  return socket.next('sync', (f) => f.docId === docId);
}

describe('server events between processes', () => {
  it('says at start that it uses Redis between the processes', () => {
    const [first] = cluster.processes;
    const line = first!.records().find((r) => r.msg === 'database ready');
    expect(line?.bus).toMatch(/^redis \(127\.0\.0\.1:\d+, between the server processes\)$/);
  });

  it('a member removed through one process is unsubscribed on the others, and told so', async () => {
    try {
      const [a, b, c] = cluster.processes as [
        Cluster['processes'][0],
        Cluster['processes'][0],
        Cluster['processes'][0],
      ];
      const owner: TestAccount = await signUp(a.url);
      const member: TestAccount = await signUp(a.url);
      await makeFriends(a.url, owner, member);
      const group = await ok<{ id: string }>(
        authedFetch(a.url, owner, '/api/groups', {
          method: 'POST',
          body: JSON.stringify({ name: 'Across', memberIds: [member.userId] }),
        }),
        'create group',
      );
      const docId = segmentDocId(group.id, 0);
      // The member's two devices, each on another process than the one that removes her.
      const laptop = await connect(b.url, member.cookie);
      const phone = await connect(c.url, (await signIn(c.url, member)).cookie);
      await subscribe(laptop, docId);
      await subscribe(phone, docId);

      await ok(
        authedFetch(a.url, owner, `/api/groups/${group.id}/members/${member.userId}`, { method: 'DELETE' }),
        'remove member',
      );
      for (const socket of [laptop, phone]) {
        expect(await socket.next('denied')).toEqual({ type: 'denied', docId, reason: 'membership_ended' });
        expect(await socket.next('event', (f) => f.event.type === 'membership.changed')).toMatchObject({
          event: { type: 'membership.changed', conversationId: group.id, change: 'removed' },
        });
      }
      // And she cannot come back in through another process.
      laptop.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
      expect(await laptop.next('denied')).toMatchObject({ docId, reason: 'not_member' });
    } catch (error) {
      failed = true;
      throw error;
    }
  });

  it('signing out a device through one process closes its socket on another, and only its own', async () => {
    try {
      const [a, b, c] = cluster.processes as [
        Cluster['processes'][0],
        Cluster['processes'][0],
        Cluster['processes'][0],
      ];
      const person = await signUp(a.url);
      const other = await signIn(b.url, person);
      const revokedSocket = await connect(c.url, other.cookie);
      const keptSocket = await connect(b.url, person.cookie);
      await ok(authedFetch(a.url, other, '/api/auth/sign-out', { method: 'POST' }), 'sign out');
      expect(await revokedSocket.waitClosed()).toBe(CLOSE_CODES.session_revoked.code);
      // The other session's socket stays: a frame round trip on it still answers.
      keptSocket.send({
        type: 'subscribe',
        docs: [{ docId: 'nonsense', seq: 0, stateVector: new Uint8Array([0]) }],
      });
      expect(await keptSocket.next('denied')).toMatchObject({ docId: 'nonsense' });
      expect(keptSocket.closeCode).toBeUndefined();
    } catch (error) {
      failed = true;
      throw error;
    }
  });
});
