import type {
  ConversationListEntry,
  FriendsResponse,
  SendRequestResponse,
  UserSearchResult,
} from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { makeFriends, ok, sendRequest } from '../../harness/social.ts';

describe('friends through the real API', () => {
  const server = useServer('social-friends');
  const url = () => server().url;
  const friendsOf = (account: { cookie: string }) =>
    ok<FriendsResponse>(authedFetch(url(), account, '/api/friends'), 'friends');
  const conversationsOf = async (account: { cookie: string }) =>
    (
      await ok<{ conversations: ConversationListEntry[] }>(
        authedFetch(url(), account, '/api/conversations'),
        'list',
      )
    ).conversations;

  it('finds people by case-insensitive username prefix, with at least two characters', async () => {
    const tag = Math.random().toString(36).slice(2, 7);
    const me = await signUp(url());
    const wanted = await signUp(url(), { username: `Zed_${tag}` });
    const found = await ok<{ results: UserSearchResult[] }>(
      authedFetch(url(), me, `/api/users/search?q=zed_${tag.toUpperCase()}`),
      'search',
    );
    expect(found.results.map((u) => u.id)).toEqual([wanted.userId]);
    expect(found.results[0]).toMatchObject({ relationship: 'none', picture: null });
    const tooShort = await authedFetch(url(), me, '/api/users/search?q=z');
    expect(tooShort.status).toBe(400);
    expect(await tooShort.json()).toMatchObject({ error: { code: 'validation_failed', field: 'q' } });
  });

  it('rate-limits searching so the user list cannot be scraped', async () => {
    const me = await signUp(url());
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await authedFetch(url(), me, `/api/users/search?q=aa${i}`)).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const limited = await authedFetch(url(), me, '/api/users/search?q=aa');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('request → accept makes friends with one direct conversation on both sides', async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    const sent = await ok<SendRequestResponse>(sendRequest(url(), alice, bob), 'request');
    expect(sent).toEqual({ status: 'requested' });
    expect((await friendsOf(bob)).incoming.map((r) => r.id)).toEqual([alice.userId]);
    expect((await friendsOf(alice)).outgoing.map((r) => r.id)).toEqual([bob.userId]);
    const { conversationId } = await ok<{ conversationId: string }>(
      authedFetch(url(), bob, `/api/friends/requests/${alice.userId}/accept`, { method: 'POST' }),
      'accept',
    );
    for (const account of [alice, bob]) {
      const list = await conversationsOf(account);
      expect(list.map((c) => c.id)).toEqual([conversationId]);
      expect(list[0]).toMatchObject({ kind: 'direct', memberCount: 2, canWrite: true });
    }
  });

  it('both sending each other a request at the same moment end as friends with one conversation', async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    const [a, b] = await Promise.all([sendRequest(url(), alice, bob), sendRequest(url(), bob, alice)]);
    const bodies = (await Promise.all([a.json(), b.json()])) as SendRequestResponse[];
    expect(bodies.map((x) => x.status).sort()).toEqual(['friends', 'requested']);
    const aliceList = await conversationsOf(alice);
    const bobList = await conversationsOf(bob);
    expect(aliceList).toHaveLength(1);
    expect(bobList.map((c) => c.id)).toEqual(aliceList.map((c) => c.id));
  });

  it('accepting from two devices at once creates the conversation exactly once', async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    const bobPhone = await signIn(url(), bob);
    await ok(sendRequest(url(), alice, bob), 'request');
    await ok(sendRequest(url(), alice, bob), 'request again');
    const accepts = await Promise.all(
      [bob, bobPhone].map((device) =>
        ok<{ conversationId: string }>(
          authedFetch(url(), device, `/api/friends/requests/${alice.userId}/accept`, { method: 'POST' }),
          'accept',
        ),
      ),
    );
    expect(accepts[0]!.conversationId).toBe(accepts[1]!.conversationId);
    expect(await conversationsOf(alice)).toHaveLength(1);
  });

  it('decline, cancel and remove each say exactly what happened', async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    await ok(sendRequest(url(), alice, bob), 'request');
    expect(
      (await authedFetch(url(), bob, `/api/friends/requests/${alice.userId}/decline`, { method: 'POST' }))
        .status,
    ).toBe(204);
    const again = await authedFetch(url(), bob, `/api/friends/requests/${alice.userId}/accept`, {
      method: 'POST',
    });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: 'request_not_found' } });
    await ok(sendRequest(url(), alice, bob), 'request');
    expect(
      (await authedFetch(url(), alice, `/api/friends/requests/${bob.userId}`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await friendsOf(bob)).incoming).toEqual([]);
    const conversationId = await makeFriends(url(), alice, bob);
    const dup = await sendRequest(url(), bob, alice);
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ error: { code: 'already_friends' } });
    expect((await authedFetch(url(), alice, `/api/friends/${bob.userId}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    const kept = (await conversationsOf(bob)).find((c) => c.id === conversationId);
    expect(kept).toMatchObject({ canWrite: false });
    const notFriends = await authedFetch(url(), alice, `/api/friends/${bob.userId}`, { method: 'DELETE' });
    expect(await notFriends.json()).toMatchObject({ error: { code: 'not_friends' } });
  });

  it('a blocked user can neither request nor find the blocker, and the friendship ends', async () => {
    const tag = Math.random().toString(36).slice(2, 7);
    const alice = await signUp(url(), { username: `blocker_${tag}` });
    const bob = await signUp(url());
    const conversationId = await makeFriends(url(), alice, bob);
    const blocked = await authedFetch(url(), alice, '/api/blocks', {
      method: 'POST',
      body: JSON.stringify({ userId: bob.userId }),
    });
    expect(blocked.status).toBe(204);
    const request = await sendRequest(url(), bob, alice);
    expect(request.status).toBe(403);
    expect(await request.json()).toMatchObject({ error: { code: 'blocked' } });
    const search = await ok<{ results: UserSearchResult[] }>(
      authedFetch(url(), bob, `/api/users/search?q=blocker_${tag}`),
      'search',
    );
    expect(search.results).toEqual([]);
    expect((await conversationsOf(bob)).find((c) => c.id === conversationId)?.canWrite).toBe(false);
    expect((await friendsOf(alice)).blocked.map((u) => u.id)).toEqual([bob.userId]);
    expect((await authedFetch(url(), alice, `/api/blocks/${bob.userId}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await sendRequest(url(), bob, alice)).status).toBe(200);
  });

  it('refuses malformed bodies with the field at fault', async () => {
    const alice = await signUp(url());
    const wrongType = await authedFetch(url(), alice, '/api/friends/requests', {
      method: 'POST',
      body: JSON.stringify({ userId: 7 }),
    });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'validation_failed', field: 'userId' } });
    const notJson = await authedFetch(url(), alice, '/api/friends/requests', {
      method: 'POST',
      body: '{nope',
    });
    expect(await notJson.json()).toMatchObject({ error: { code: 'invalid_json' } });
    const unknown = await authedFetch(url(), alice, '/api/friends/requests', {
      method: 'POST',
      body: JSON.stringify({ userId: 'u_nobody' }),
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'user_not_found' } });
  });
});
