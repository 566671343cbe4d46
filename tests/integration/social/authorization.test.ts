import { beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { makeFriends, ok } from '../../harness/social.ts';

/**
 * Every social route tried anonymously, as a stranger, as a blocked user, as a member without
 * the role, and as the owner: exactly the expected status and code each time. A fresh group is
 * made for every route, and actors run in this order, so the owner's (successful) change comes last.
 */
type Actor = 'anonymous' | 'noUsername' | 'stranger' | 'blocked' | 'member' | 'owner';
const ACTORS: Actor[] = ['anonymous', 'noUsername', 'stranger', 'blocked', 'member', 'owner'];
type Outcome = number | [number, string];

interface Row {
  name: string;
  request: (ctx: Ctx) => { method: string; path: string; body?: unknown };
  expect: Partial<Record<Actor, Outcome>>;
}
interface Ctx {
  group: string;
  owner: TestAccount;
  member: TestAccount;
  other: TestAccount;
  friendOfAll: TestAccount;
}

const NEED_SIGN_IN: [number, string] = [401, 'unauthenticated'];
const NEED_USERNAME: [number, string] = [403, 'forbidden'];
const NOT_MEMBER: [number, string] = [403, 'not_a_member'];
const ROLE: [number, string] = [403, 'not_allowed_for_role'];

const ROWS: Row[] = [
  {
    name: 'GET /api/conversations/:id',
    request: (c) => ({ method: 'GET', path: `/api/conversations/${c.group}` }),
    expect: {
      stranger: [404, 'conversation_not_found'],
      blocked: [404, 'conversation_not_found'],
      member: 200,
      owner: 200,
    },
  },
  {
    name: 'PATCH /api/groups/:id name',
    request: (c) => ({ method: 'PATCH', path: `/api/groups/${c.group}`, body: { name: 'Renamed' } }),
    expect: { stranger: NOT_MEMBER, blocked: NOT_MEMBER, member: 200, owner: 200 },
  },
  {
    name: 'PATCH /api/groups/:id addMembersPolicy',
    request: (c) => ({
      method: 'PATCH',
      path: `/api/groups/${c.group}`,
      body: { addMembersPolicy: 'admins' },
    }),
    expect: { stranger: NOT_MEMBER, blocked: NOT_MEMBER, member: ROLE, owner: 200 },
  },
  {
    name: 'POST /api/groups/:id/members',
    request: (c) => ({
      method: 'POST',
      path: `/api/groups/${c.group}/members`,
      body: { userIds: [c.friendOfAll.userId] },
    }),
    expect: { stranger: NOT_MEMBER, blocked: NOT_MEMBER, member: 200, owner: [409, 'already_a_member'] },
  },
  {
    name: 'DELETE /api/groups/:id/members/:userId',
    request: (c) => ({ method: 'DELETE', path: `/api/groups/${c.group}/members/${c.other.userId}` }),
    expect: { stranger: NOT_MEMBER, blocked: NOT_MEMBER, member: ROLE, owner: 200 },
  },
  {
    name: 'PATCH /api/groups/:id/members/:userId role',
    request: (c) => ({
      method: 'PATCH',
      path: `/api/groups/${c.group}/members/${c.other.userId}`,
      body: { role: 'admin' },
    }),
    expect: { stranger: NOT_MEMBER, blocked: NOT_MEMBER, member: ROLE, owner: 200 },
  },
  {
    name: 'POST /api/groups/:id/owner',
    request: (c) => ({
      method: 'POST',
      path: `/api/groups/${c.group}/owner`,
      body: { userId: c.member.userId },
    }),
    expect: { stranger: NOT_MEMBER, blocked: NOT_MEMBER, member: ROLE, owner: 200 },
  },
  {
    name: 'POST /api/groups/:id/leave',
    request: (c) => ({ method: 'POST', path: `/api/groups/${c.group}/leave` }),
    expect: { stranger: NOT_MEMBER, blocked: NOT_MEMBER, member: 204, owner: 204 },
  },
  {
    name: 'POST /api/friends/requests to the owner',
    request: (c) => ({ method: 'POST', path: '/api/friends/requests', body: { userId: c.owner.userId } }),
    expect: {
      stranger: 200,
      blocked: [403, 'blocked'],
      member: [409, 'already_friends'],
      owner: [400, 'cannot_befriend_self'],
    },
  },
  {
    name: 'POST /api/groups',
    request: (c) => ({
      method: 'POST',
      path: '/api/groups',
      body: { name: 'Mine', memberIds: [c.owner.userId] },
    }),
    expect: { stranger: [403, 'not_friends'], blocked: [403, 'blocked'], member: 201, owner: 201 },
  },
  {
    name: 'GET /api/friends',
    request: () => ({ method: 'GET', path: '/api/friends' }),
    expect: { stranger: 200, blocked: 200, member: 200, owner: 200 },
  },
  {
    name: 'GET /api/conversations',
    request: () => ({ method: 'GET', path: '/api/conversations' }),
    expect: { stranger: 200, blocked: 200, member: 200, owner: 200 },
  },
  {
    name: 'GET /api/users/search',
    request: () => ({ method: 'GET', path: '/api/users/search?q=user' }),
    expect: { stranger: 200, blocked: 200, member: 200, owner: 200 },
  },
  {
    name: 'POST /api/blocks',
    request: (c) => ({ method: 'POST', path: '/api/blocks', body: { userId: c.friendOfAll.userId } }),
    expect: { stranger: 204, blocked: 204, member: 204, owner: 204 },
  },
  {
    name: 'DELETE /api/friends/:userId',
    request: (c) => ({ method: 'DELETE', path: `/api/friends/${c.owner.userId}` }),
    expect: {
      stranger: [403, 'not_friends'],
      blocked: [403, 'not_friends'],
      member: 204,
      owner: [403, 'not_friends'],
    },
  },
];

describe('social authorization matrix', () => {
  const server = useServer('social-authorization');
  const url = () => server().url;
  const accounts = {} as Record<Exclude<Actor, 'anonymous'>, TestAccount> & {
    other: TestAccount;
    friendOfAll: TestAccount;
  };

  beforeAll(async () => {
    const [owner, member, other, stranger, blocked, noUsername, friendOfAll] = await Promise.all([
      signUp(url()),
      signUp(url()),
      signUp(url()),
      signUp(url()),
      signUp(url()),
      signUp(url(), { username: null }),
      signUp(url()),
    ]);
    Object.assign(accounts, { owner, member, other, stranger, blocked, noUsername, friendOfAll });
    await makeFriends(url(), owner, member);
    await makeFriends(url(), owner, other);
    await makeFriends(url(), owner, blocked);
    for (const account of [owner, member, stranger, blocked]) await makeFriends(url(), account, friendOfAll);
    await ok(
      authedFetch(url(), owner, '/api/blocks', {
        method: 'POST',
        body: JSON.stringify({ userId: blocked.userId }),
      }),
      'block',
    );
  });

  for (const row of ROWS) {
    it(`${row.name}: anonymous, no username, stranger, blocked, member, owner`, async () => {
      const group = await ok<{ id: string }>(
        authedFetch(url(), accounts.owner, '/api/groups', {
          method: 'POST',
          body: JSON.stringify({
            name: 'Matrix',
            memberIds: [accounts.member.userId, accounts.other.userId],
          }),
        }),
        'create group',
      );
      const ctx: Ctx = { group: group.id, ...accounts };
      const outcomes: Record<string, Outcome> = {};
      const expected: Record<string, Outcome> = {};
      for (const actor of ACTORS) {
        const { method, path, body } = row.request(ctx);
        const account = actor === 'anonymous' ? null : accounts[actor];
        const response = await authedFetch(url(), account, path, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const want =
          actor === 'anonymous' ? NEED_SIGN_IN : actor === 'noUsername' ? NEED_USERNAME : row.expect[actor]!;
        expected[actor] = want;
        if (typeof want === 'number') {
          outcomes[actor] = response.status;
        } else {
          const payload = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
          outcomes[actor] = [response.status, payload?.error?.code ?? '(none)'];
        }
      }
      expect(outcomes).toEqual(expected);
    });
  }
});
