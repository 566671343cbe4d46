import type { MeResponse } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { apiHeaders, authedFetch, signUp } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';

type ErrorBody = { error: { code: string; message: string; field?: string } };

describe('usernames and display names', () => {
  const server = useServer('accounts-usernames');
  const patch = (account: { cookie: string }, body: unknown) =>
    authedFetch(server().url, account, '/api/me', { method: 'PATCH', body: JSON.stringify(body) });
  const me = async (account: { cookie: string }) =>
    (await (await authedFetch(server().url, account, '/api/me')).json()) as MeResponse;

  it('starts without a username after a plain passkey sign-up, then takes the chosen one', async () => {
    const newcomer = await signUp(server().url, { username: null });
    expect((await me(newcomer)).username).toBeNull();
    const response = await patch(newcomer, { username: 'Newcomer' });
    expect(response.status).toBe(200);
    const after = (await response.json()) as MeResponse;
    expect(after.username).toBe('Newcomer');
    expect(after.displayName).toBe('Newcomer');
  });

  it('refuses each broken rule with an error naming the field and the rule, changing nothing', async () => {
    const account = await signUp(server().url, { username: 'keeper' });
    const cases: [unknown, string, string, string][] = [
      [{ username: 'ab' }, 'validation_failed', 'username', 'Username must be at least 3 characters'],
      [
        { username: 'x'.repeat(33) },
        'validation_failed',
        'username',
        'Username must be at most 32 characters',
      ],
      [
        { username: 'has space' },
        'validation_failed',
        'username',
        'Username may contain only letters, digits, "_", "." and "-"',
      ],
      [{ username: 'admin' }, 'validation_failed', 'username', 'This username is reserved'],
      [{ username: 'Support' }, 'validation_failed', 'username', 'This username is reserved'],
      [{ username: 42 }, 'validation_failed', 'username', 'Username must be text'],
      [{ displayName: '   ' }, 'validation_failed', 'displayName', 'Display name must not be empty'],
      [
        { displayName: 'd'.repeat(65) },
        'validation_failed',
        'displayName',
        'Display name must be at most 64 characters',
      ],
      [
        { displayName: 'tab\tname' },
        'validation_failed',
        'displayName',
        'Display name must not contain control characters',
      ],
      [{ nickname: 'x' }, 'validation_failed', 'nickname', 'Unknown field "nickname"'],
    ];
    for (const [body, code, field, message] of cases) {
      const response = await patch(account, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await response.json()) as ErrorBody).toEqual({ error: { code, field, message } });
    }
    const invalidJson = await authedFetch(server().url, account, '/api/me', {
      method: 'PATCH',
      body: '{nope',
    });
    expect(invalidJson.status).toBe(400);
    expect(((await invalidJson.json()) as ErrorBody).error.code).toBe('invalid_json');
    const after = await me(account);
    expect(after.username).toBe('keeper');
    expect(after.displayName).toBe('keeper');
  });

  it('keeps usernames unique case-insensitively, at sign-up and when changing', async () => {
    await signUp(server().url, { username: 'Taken.Name' });
    const other = await signUp(server().url);
    const response = await patch(other, { username: 'taken.name' });
    expect(response.status).toBe(409);
    expect((await response.json()) as ErrorBody).toEqual({
      error: {
        code: 'username_taken',
        field: 'username',
        message: 'The username "taken.name" is already taken',
      },
    });
    const signUpStart = await fetch(`${server().url}/api/auth/passkey/register/options`, {
      method: 'POST',
      headers: apiHeaders(server().url),
      body: JSON.stringify({ username: 'TAKEN.NAME' }),
    });
    expect(signUpStart.status).toBe(409);
    expect(((await signUpStart.json()) as ErrorBody).error.field).toBe('username');
  });

  it('changes the username later (the old one becomes free) and the display name in any script', async () => {
    const account = await signUp(server().url, { username: 'old-name' });
    expect((await patch(account, { username: 'new_name', displayName: '  Zoë 山田  ' })).status).toBe(200);
    expect(await me(account)).toMatchObject({ username: 'new_name', displayName: 'Zoë 山田' });
    // Changing only the case of one's own name is allowed.
    expect((await patch(account, { username: 'New_Name' })).status).toBe(200);
    const another = await signUp(server().url);
    expect((await patch(another, { username: 'old-name' })).status).toBe(200);
  });

  it('refuses profile changes anonymously', async () => {
    const response = await authedFetch(server().url, null, '/api/me', {
      method: 'PATCH',
      body: JSON.stringify({ displayName: 'x' }),
    });
    expect(response.status).toBe(401);
  });
});
