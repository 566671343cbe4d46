import type { ConversationDetail, ConversationListEntry } from '@messenjo/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { makeFriends, ok } from '../../harness/social.ts';

describe('groups through the real API', () => {
  const server = useServer('social-groups');
  const url = () => server().url;
  let owner: TestAccount, ann: TestAccount, ben: TestAccount, cat: TestAccount;

  beforeAll(async () => {
    [owner, ann, ben, cat] = await Promise.all([signUp(url()), signUp(url()), signUp(url()), signUp(url())]);
    await makeFriends(url(), owner, ann);
    await makeFriends(url(), owner, ben);
    await makeFriends(url(), ann, cat);
  });

  const detail = (account: TestAccount, id: string) =>
    ok<ConversationDetail>(authedFetch(url(), account, `/api/conversations/${id}`), 'detail');
  const send = (account: TestAccount, method: string, path: string, body?: unknown) =>
    authedFetch(url(), account, path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('create, rename, add, promote, remove and leave, each visible to the members', async () => {
    const created = await ok<ConversationDetail>(
      send(owner, 'POST', '/api/groups', { name: 'Trip', memberIds: [ann.userId] }),
      'create',
    );
    expect(created).toMatchObject({ kind: 'group', name: 'Trip', memberCount: 2, role: 'owner' });
    const id = created.id;
    await ok(send(ann, 'PATCH', `/api/groups/${id}`, { name: 'Trip 2027' }), 'rename');
    expect((await detail(owner, id)).name).toBe('Trip 2027');
    // Ann adds her own friend Cat: any member may add their friends by default.
    await ok(send(ann, 'POST', `/api/groups/${id}/members`, { userIds: [cat.userId] }), 'add');
    expect((await detail(cat, id)).memberCount).toBe(3);
    await ok(send(owner, 'PATCH', `/api/groups/${id}/members/${ann.userId}`, { role: 'admin' }), 'promote');
    // An admin removes a member; the removed member keeps the conversation, read-only.
    await ok(send(ann, 'DELETE', `/api/groups/${id}/members/${cat.userId}`), 'remove');
    const catsList = (
      await ok<{ conversations: ConversationListEntry[] }>(
        authedFetch(url(), cat, '/api/conversations'),
        'list',
      )
    ).conversations;
    expect(catsList.find((c) => c.id === id)).toMatchObject({ canWrite: false, role: null, memberCount: 2 });
    // The owner leaves: ownership passes to the admin.
    expect((await send(owner, 'POST', `/api/groups/${id}/leave`)).status).toBe(204);
    const after = await detail(ann, id);
    expect(after.members.map((m) => [m.id, m.role])).toEqual([[ann.userId, 'owner']]);
  });

  it('refuses a name that breaks a rule, naming the field', async () => {
    const tooLong = await send(owner, 'POST', '/api/groups', { name: 'x'.repeat(65), memberIds: [] });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error: { code: 'validation_failed', field: 'name' } });
    const wrongType = await send(owner, 'POST', '/api/groups', { name: ['a'], memberIds: [] });
    expect(await wrongType.json()).toMatchObject({ error: { field: 'name' } });
    const notFriend = await send(owner, 'POST', '/api/groups', { name: 'N', memberIds: [cat.userId] });
    expect(notFriend.status).toBe(403);
    expect(await notFriend.json()).toMatchObject({ error: { code: 'not_friends' } });
  });

  it('[NM1] refuses a group name with a bidirectional override, on create and on rename', async () => {
    const created = await send(owner, 'POST', '/api/groups', { name: '\u202egnp.exe', memberIds: [] });
    expect(created.status).toBe(400);
    expect(await created.json()).toMatchObject({
      error: {
        code: 'validation_failed',
        field: 'name',
        message: 'The group name must not contain control characters',
      },
    });
    const { id } = (await (
      await send(owner, 'POST', '/api/groups', { name: 'Plain', memberIds: [] })
    ).json()) as {
      id: string;
    };
    const renamed = await send(owner, 'PATCH', `/api/groups/${id}`, { name: 'evil\u2066name' });
    expect(renamed.status).toBe(400);
    expect((await detail(owner, id)).name).toBe('Plain');
  });

  it('a deleted account leaves friends lists and groups; its messages stay for the others', async () => {
    const [gone, friend] = await Promise.all([signUp(url()), signUp(url())]);
    const direct = await makeFriends(url(), gone, friend);
    const created = await ok<ConversationDetail>(
      send(gone, 'POST', '/api/groups', { name: 'Orphan', memberIds: [friend.userId] }),
      'create',
    );
    const deleted = await authedFetch(url(), gone, '/api/me', { method: 'DELETE' });
    expect(deleted.status).toBeLessThan(300);
    const friends = await ok<{ friends: { id: string }[] }>(
      authedFetch(url(), friend, '/api/friends'),
      'friends',
    );
    expect(friends.friends.map((f) => f.id)).not.toContain(gone.userId);
    const group = await detail(friend, created.id);
    expect(group.members.map((m) => [m.id, m.role])).toEqual([[friend.userId, 'owner']]);
    const list = (
      await ok<{ conversations: ConversationListEntry[] }>(
        authedFetch(url(), friend, '/api/conversations'),
        'list',
      )
    ).conversations;
    expect(list.find((c) => c.id === direct)).toMatchObject({ canWrite: false, name: 'Deleted user' });
  });
});
