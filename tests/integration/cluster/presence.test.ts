import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { startCluster, type Cluster } from '../../harness/cluster.ts';
import { createGroup } from '../../harness/people.ts';
import { PUSH_STANDIN_ENV, startPushService, type PushServiceStandin } from '../../harness/push-service.ts';
import { makeFriends, ok } from '../../harness/social.ts';
import { eventually, RawPeer } from '../../harness/sync.ts';
import { rawMessageWriter } from '../../harness/writers.ts';

/**
 * Issue 18 with Web Push (issue 16): a device whose socket is open on another process than the
 * one that stored the message receives it live and gets no push; once its socket is closed, it
 * gets one. Two processes over one PostgreSQL and one Redis, and a push service stand-in.
 */
let cluster: Cluster;
let push: PushServiceStandin;
let failed = false;
beforeAll(async () => {
  push = await startPushService();
  cluster = await startCluster(2, { env: PUSH_STANDIN_ENV });
});
afterAll(async () => {
  await cluster?.dispose(failed);
  await push?.close();
});

describe('presence between processes', () => {
  it('no push to a session with a socket on another process; a push once that socket is closed', async () => {
    try {
      const [a, b] = cluster.processes as [Cluster['processes'][0], Cluster['processes'][0]];
      const subscribe = async (device: TestAccount): Promise<string> => {
        const subscription = push.subscribe();
        await ok(
          authedFetch(a.url, device, '/api/push/subscription', {
            method: 'PUT',
            body: JSON.stringify(subscription),
          }),
          'subscribe',
        );
        return subscription.endpoint;
      };
      const pushesTo = (endpoint: string): number =>
        push.received.filter((r) => endpoint.endsWith(`/${r.subscription}`)).length;

      const alice = await signUp(a.url);
      const bob = await signUp(a.url);
      const cat = await signUp(a.url);
      await makeFriends(a.url, alice, bob);
      await makeFriends(a.url, alice, cat);
      const groupId = await createGroup(a.url, alice, 'Across', [bob, cat]);
      const bobsPhone = await subscribe(bob);
      const catsPhone = await subscribe(cat);

      // Bob's session holds a socket on process b; Alice writes through process a.
      const open = await RawPeer.connect(b.url, bob.cookie);
      const chat = await rawMessageWriter(a.url, alice, groupId);
      // Cat's pushes mark when a message's job is done (one job per conversation at a time).
      await chat.say('first');
      await chat.say('second');
      await push.next(catsPhone);
      await push.next(catsPhone);
      expect(pushesTo(bobsPhone)).toBe(0);

      // Closed: process b forgets the session, and process a pushes to it again.
      open.close();
      let said = 0;
      await eventually(async () => {
        await chat.say(`after the socket closed ${++said}`);
        await push.next(catsPhone);
        return pushesTo(bobsPhone) > 0;
      }, "a push reaches Bob's phone once his socket on the other process is closed");
      chat.peer.close();
    } catch (error) {
      failed = true;
      throw error;
    }
  });
});
