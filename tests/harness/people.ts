import { authedFetch, signUp, type TestAccount } from './accounts.ts';
import { makeFriends, ok } from './social.ts';

/**
 * The people a test starts with, made through the real server's API (passkey sign-up, friend
 * request and acceptance, group creation): no shortcut into the database. Each is named
 * `<name>_<tag>` with a tag new to the test, so tests sharing a server never meet.
 *
 *   const { tag, alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
 *   const { alice, bob, carol } = await aliceBobAndCarol(url);
 *   const groupId = await createGroup(url, alice, 'Trip', [bob]);
 */

/** Four letters telling this test's people from the others on the same server. */
export const newTag = (): string => Math.random().toString(36).slice(2, 6);

type Named<N extends string> = { [K in N]: TestAccount };

/** Accounts named `<name>_<tag>`, signed up one after another in the order given. */
export async function signUpPeople<const N extends string>(
  url: string,
  names: readonly N[],
  tag = newTag(),
): Promise<{ tag: string } & Named<N>> {
  const people: Partial<Named<N>> = {};
  for (const name of names) people[name] = await signUp(url, { username: `${name}_${tag}` });
  return { tag, ...(people as Named<N>) };
}

/** Two people who are friends, and their direct conversation. */
export async function twoFriends<const A extends string, const B extends string>(
  url: string,
  first: A,
  second: B,
): Promise<{ tag: string; conversationId: string } & Named<A | B>> {
  const people = await signUpPeople<A | B>(url, [first, second]);
  const conversationId = await makeFriends(url, people[first], people[second]);
  return { ...people, conversationId };
}

/** Alice, friends with Bob and with Carol (who are not friends of each other). */
export async function aliceBobAndCarol(
  url: string,
  /** Carol's display name, shown instead of her username. */
  { carolDisplayName }: { carolDisplayName?: string } = {},
): Promise<{ tag: string; alice: TestAccount; bob: TestAccount; carol: TestAccount }> {
  const people = await signUpPeople(url, ['alice', 'bob', 'carol']);
  const { alice, bob, carol } = people;
  if (carolDisplayName !== undefined) await setDisplayName(url, carol, carolDisplayName);
  await makeFriends(url, alice, bob);
  await makeFriends(url, alice, carol);
  return people;
}

export async function setDisplayName(url: string, account: TestAccount, displayName: string): Promise<void> {
  await ok(
    authedFetch(url, account, '/api/me', { method: 'PATCH', body: JSON.stringify({ displayName }) }),
    'display name',
  );
}

/** A group owned by `owner` with `members` (friends of the owner) in it; returns its id. */
export async function createGroup(
  url: string,
  owner: TestAccount,
  name: string,
  members: readonly TestAccount[],
): Promise<string> {
  const group = await ok<{ id: string }>(
    authedFetch(url, owner, '/api/groups', {
      method: 'POST',
      body: JSON.stringify({ name, memberIds: members.map((m) => m.userId) }),
    }),
    'create group',
  );
  return group.id;
}
