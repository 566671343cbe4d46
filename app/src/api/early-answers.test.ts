import { afterEach, describe, expect, it, vi } from 'vitest';
import { onUnauthenticated } from './client.ts';
import { answerOf, askEarly } from './early-answers.ts';

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Each request answered with the next body; the paths asked, in order. */
function serve(...answers: Response[]): string[] {
  const asked: string[] = [];
  vi.stubGlobal('fetch', (path: string) => {
    asked.push(path);
    return Promise.resolve(answers.shift() ?? json({ late: true }));
  });
  return asked;
}

describe("the start's early answers", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('hands the early answer to the same user once, and asks again after that', async () => {
    const asked = serve(json({ conversations: ['early'] }), json({ conversations: ['fresh'] }));
    askEarly('/api/conversations', 'u_ann');
    askEarly('/api/conversations', 'u_ann'); // asked once
    const ask = () => fetch('/api/conversations').then((r) => r.json());
    expect(await answerOf('/api/conversations', 'u_ann', ask)).toEqual({ conversations: ['early'] });
    expect(await answerOf('/api/conversations', 'u_ann', ask)).toEqual({ conversations: ['fresh'] });
    expect(asked).toEqual(['/api/conversations', '/api/conversations']);
  });

  it("never hands one user's answer to another: the other's session asks for itself", async () => {
    const asked = serve(json({ conversations: ['ann'] }), json({ conversations: ['ben'] }));
    askEarly('/api/conversations', 'u_ann');
    const ask = () => fetch('/api/conversations').then((r) => r.json());
    expect(await answerOf('/api/conversations', 'u_ben', ask)).toEqual({ conversations: ['ben'] });
    expect(asked).toHaveLength(2);
  });

  it('asks again when the early request failed (a 401 of a session since replaced, the network)', async () => {
    const heard: string[] = [];
    const stop = onUnauthenticated((code) => heard.push(code));
    serve(json({ error: { code: 'unauthenticated', message: 'Sign in to continue' } }, 401));
    askEarly('/api/friends', 'u_ann');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const fresh = { friends: [] };
    expect(await answerOf('/api/friends', 'u_ann', () => Promise.resolve(fresh))).toBe(fresh);
    // Reported as any 401 is, when it came (the session's own end handles it).
    expect(heard).toEqual(['unauthenticated']);
    stop();
  });

  it('is stale after 30 s: the session asks again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    serve(json({ members: ['old'] }));
    askEarly('/api/conversations/c_1', 'u_ann');
    vi.setSystemTime(Date.now() + 31_000);
    const fresh = { members: ['now'] };
    expect(await answerOf('/api/conversations/c_1', 'u_ann', () => Promise.resolve(fresh))).toBe(fresh);
  });
});
