import {
  isErrorEnvelope,
  setMuted,
  userDocId,
  type PushKeyResponse,
  type PushMessagePayload,
  type PushSubscriptionResponse,
} from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authedFetch, signIn, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { PUSH_STANDIN_ENV, startPushService, type PushServiceStandin } from '../../harness/push-service.ts';
import { createGroup, setDisplayName } from '../../harness/people.ts';
import { makeFriends, ok } from '../../harness/social.ts';
import { RawPeer } from '../../harness/sync.ts';
import { rawMessageWriter } from '../../harness/writers.ts';

/**
 * Web Push through the real built server, to a local push service stand-in over https that
 * checks the VAPID JWT and decrypts every payload (tests/harness/push-service.ts).
 */
describe('Web Push', () => {
  const server = useServer('push', { env: PUSH_STANDIN_ENV });
  const url = (): string => server().url;
  let push: PushServiceStandin;
  beforeAll(async () => {
    push = await startPushService();
  });
  afterAll(() => push.close());

  type Device = { cookie: string };
  const subscribe = async (device: Device): Promise<string> => {
    const subscription = push.subscribe();
    await ok(
      authedFetch(url(), device, '/api/push/subscription', {
        method: 'PUT',
        body: JSON.stringify(subscription),
      }),
      'subscribe',
    );
    return subscription.endpoint;
  };
  const named = async (displayName: string): Promise<TestAccount> => {
    const account = await signUp(url());
    await setDisplayName(url(), account, displayName);
    return account;
  };

  const payloadOf = (text: string | undefined): PushMessagePayload =>
    JSON.parse(text ?? 'null') as PushMessagePayload;
  const countFor = (endpoint: string): number =>
    push.received.filter((r) => endpoint.endsWith(`/${r.subscription}`)).length;

  describe('routes', () => {
    it('need a signed-in session', async () => {
      for (const [method, path] of [
        ['GET', '/api/push/key'],
        ['GET', '/api/push/subscription'],
        ['PUT', '/api/push/subscription'],
        ['DELETE', '/api/push/subscription'],
        ['POST', '/api/push/test'],
      ] as const) {
        const response = await authedFetch(url(), null, path, {
          method,
          ...(method === 'PUT' ? { body: JSON.stringify(push.subscribe()) } : {}),
        });
        expect(response.status, `${method} ${path}`).toBe(401);
      }
    });

    it('refuse a subscription that is not an https push service endpoint with sound keys, naming the field', async () => {
      const me = await signUp(url());
      const good = push.subscribe();
      const cases: [unknown, string, RegExp][] = [
        [{ ...good, endpoint: good.endpoint.replace('https:', 'http:') }, 'endpoint', /https URL/],
        [{ ...good, endpoint: 'https://10.0.0.7/push/x' }, 'endpoint', /known push services/],
        [{ ...good, endpoint: `${good.endpoint}${'x'.repeat(1100)}` }, 'endpoint', /longer than 1024/],
        [{ ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(2) } }, 'keys.p256dh', /P-256/],
        [{ ...good, keys: { ...good.keys, auth: 'not base64!' } }, 'keys.auth', /16-byte/],
        [{ ...good, extra: true }, 'extra', /Unknown field/],
      ];
      for (const [body, field, message] of cases) {
        const response = await authedFetch(url(), me, '/api/push/subscription', {
          method: 'PUT',
          body: JSON.stringify(body),
        });
        const error: unknown = await response.json();
        expect(response.status, field).toBe(400);
        expect(isErrorEnvelope(error) && error.error).toMatchObject({ code: 'validation_failed', field });
        expect(isErrorEnvelope(error) && error.error.message).toMatch(message);
      }
      const bad = await authedFetch(url(), me, '/api/push/subscription', { method: 'PUT', body: '{' });
      expect(bad.status).toBe(400);
      // Nothing was stored by any of them.
      expect(
        await ok<PushSubscriptionResponse>(authedFetch(url(), me, '/api/push/subscription'), 'get'),
      ).toEqual({ subscription: null });
    });

    it('keep one subscription per device session, and turn it off', async () => {
      const me = await signUp(url());
      const phone = await signIn(url(), me);
      const endpoint = await subscribe(me);
      const mine = await ok<PushSubscriptionResponse>(
        authedFetch(url(), me, '/api/push/subscription'),
        'get',
      );
      expect(mine.subscription?.endpoint).toBe(endpoint);
      expect(
        await ok<PushSubscriptionResponse>(authedFetch(url(), phone, '/api/push/subscription'), 'phone'),
      ).toEqual({ subscription: null });
      await ok(authedFetch(url(), me, '/api/push/subscription', { method: 'DELETE' }), 'delete');
      expect(
        await ok<PushSubscriptionResponse>(authedFetch(url(), me, '/api/push/subscription'), 'get'),
      ).toEqual({ subscription: null });
      const test = await authedFetch(url(), me, '/api/push/test', { method: 'POST' });
      expect(test.status).toBe(409);
      expect(((await test.json()) as { error: { code: string } }).error.code).toBe('push_not_subscribed');
    });
  });

  it('sends a test notification: VAPID-signed by the server key, aes128gcm, with TTL, Urgency and Topic', async () => {
    const me = await signUp(url());
    const endpoint = await subscribe(me);
    const { publicKey } = await ok<PushKeyResponse>(authedFetch(url(), me, '/api/push/key'), 'key');
    await ok(authedFetch(url(), me, '/api/push/test', { method: 'POST' }), 'test');
    const received = await push.next(endpoint);
    expect(received.problems).toEqual([]);
    expect(received.vapidKey).toBe(publicKey);
    expect(received.claims?.aud).toBe(push.origin);
    expect(payloadOf(received.payload)).toMatchObject({ kind: 'test', url: '/settings', tag: 'test' });
    expect(received.headers).toMatchObject({ ttl: '60', urgency: 'high', topic: 'test' });
  });

  it("pushes a new message to the other person's closed devices, with one Topic per conversation", async () => {
    const alice = await named('Alice');
    const bob = await named('Bob');
    const conversationId = await makeFriends(url(), alice, bob);
    const alicesOwn = await subscribe(alice);
    const bobsPhone = await subscribe(bob);
    const chat = await rawMessageWriter(url(), alice, conversationId);
    await chat.say('Lunch at noon?');
    const received = await push.next(bobsPhone);
    expect(received.problems).toEqual([]);
    expect(payloadOf(received.payload)).toEqual({
      v: 1,
      kind: 'message',
      title: 'Alice',
      body: 'Lunch at noon?',
      tag: `conversation:${conversationId}`,
      url: `/c/${conversationId}`,
      conversationId,
      at: expect.any(Number) as number,
    });
    expect(received.headers).toMatchObject({ ttl: '86400', urgency: 'high' });
    expect(String(received.headers.topic)).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    // The next message of the same conversation carries the same Topic; the sender's own device got nothing.
    await chat.say('Or one?');
    expect((await push.next(bobsPhone)).headers.topic).toBe(received.headers.topic);
    expect(countFor(alicesOwn)).toBe(0);
    chat.peer.close();
  });

  it('skips a device whose socket is open and a user who muted the conversation', async () => {
    const alice = await named('Alice');
    const bob = await named('Bob');
    const cat = await named('Cat');
    await makeFriends(url(), alice, bob);
    await makeFriends(url(), alice, cat);
    const group = { id: await createGroup(url(), alice, 'Climbing', [bob, cat]) };
    const bobsLaptop = await subscribe(bob);
    const bobsPhoneSession = await signIn(url(), bob);
    const bobsPhone = await subscribe(bobsPhoneSession);
    const catsPhone = await subscribe(cat);
    const open = await RawPeer.connect(url(), bob.cookie);
    const chat = await rawMessageWriter(url(), alice, group.id);

    // Cat's pushes mark when a message's job is done (one job per conversation at a time).
    await chat.say('first');
    await chat.say('second');
    expect(payloadOf((await push.next(catsPhone)).payload).body).toBe('Alice: first');
    expect(payloadOf((await push.next(catsPhone)).payload).body).toBe('Alice: second');
    // A job sends to every device at once: Bob's phone may answer after Cat's.
    await expect.poll(() => countFor(bobsPhone)).toBe(2);
    expect(countFor(bobsLaptop)).toBe(0);
    push.received.length = 0;

    // Bob mutes the group from his open laptop: the user document says so for all his devices.
    const userDoc = userDocId(bob.userId);
    open.send({ type: 'subscribe', docs: [{ docId: userDoc, seq: 0, stateVector: new Uint8Array([0]) }] });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await open.next('sync', (f) => f.docId === userDoc)).update);
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    setMuted(doc, group.id, true);
    open.send({ type: 'update', docId: userDoc, ref: 1, update: update! });
    await open.next('ack', (f) => f.docId === userDoc);
    open.close();

    await chat.say('third');
    await chat.say('fourth');
    await push.next(catsPhone);
    await push.next(catsPhone);
    expect(countFor(bobsPhone)).toBe(0);
    expect(countFor(bobsLaptop)).toBe(0);
    chat.peer.close();
  });

  it('drops a subscription the push service answers 410 for, and one whose session ended', async () => {
    const alice = await named('Alice');
    const bob = await named('Bob');
    const conversationId = await makeFriends(url(), alice, bob);
    const bobsPhone = await subscribe(bob);
    const tablet = await signIn(url(), bob);
    const bobsTablet = await subscribe(tablet);
    const chat = await rawMessageWriter(url(), alice, conversationId);

    push.forget(bobsPhone);
    await chat.say('are you there?');
    await push.next(bobsTablet);
    await expect
      .poll(
        async () =>
          (await ok<PushSubscriptionResponse>(authedFetch(url(), bob, '/api/push/subscription'), 'get'))
            .subscription,
      )
      .toBeNull();

    // Signing the tablet out removes its subscription with its session.
    await ok(authedFetch(url(), tablet, '/api/auth/sign-out', { method: 'POST' }), 'sign out');
    const laptop = await signIn(url(), bob);
    const bobsLaptop = await subscribe(laptop);
    await chat.say('hello?');
    await push.next(bobsLaptop);
    expect(countFor(bobsTablet)).toBe(0);
    chat.peer.close();
  });
});
