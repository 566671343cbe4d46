import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, onUnauthenticated, sessionEnded, sessionReplaced, type Unauthenticated } from './client.ts';

const unauthenticated = (): Response =>
  new Response(JSON.stringify({ error: { code: 'unauthenticated', message: 'Sign in to continue' } }), {
    status: 401,
    headers: { 'content-type': 'application/json' },
  });

describe('a 401', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is reported, unless its request was sent before a sign-in replaced the session', async () => {
    const heard: Unauthenticated[] = [];
    const stop = onUnauthenticated((code) => heard.push(code));
    let answer: (response: Response) => void = () => {};
    vi.stubGlobal('fetch', () => new Promise<Response>((resolve) => (answer = resolve)));

    // Sent with the old cookie; the sign-in lands (and deletes that session) before the answer.
    const old = api('/api/conversations/c_1').catch((error: unknown) => error);
    sessionReplaced();
    answer(unauthenticated());
    const oldError = await old;
    expect(oldError).toMatchObject({ status: 401 });
    expect(sessionEnded(oldError)).toBeNull();
    expect(heard).toEqual([]);

    // Sent under the new session: a 401 now means this session ended.
    const fresh = api('/api/conversations/c_1').catch((error: unknown) => error);
    answer(unauthenticated());
    expect(sessionEnded(await fresh)).toBe('unauthenticated');
    expect(heard).toEqual(['unauthenticated']);
    stop();
  });
});
