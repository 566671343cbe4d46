import type { SendRequestResponse } from '@messenjo/shared';
import { authedFetch, type TestAccount } from './accounts.ts';

/** JSON of a response that must have succeeded; the error body is in the message otherwise. */
export async function ok<T>(response: Promise<Response>, what: string): Promise<T> {
  const r = await response;
  const body: unknown = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) throw new Error(`${what} failed: ${r.status} ${JSON.stringify(body)}`);
  return body as T;
}

/** Makes two accounts friends through the real API; returns their direct conversation's id. */
export async function makeFriends(url: string, a: TestAccount, b: TestAccount): Promise<string> {
  await ok(
    authedFetch(url, a, '/api/friends/requests', {
      method: 'POST',
      body: JSON.stringify({ userId: b.userId }),
    }),
    'friend request',
  );
  const accepted = await ok<{ conversationId: string }>(
    authedFetch(url, b, `/api/friends/requests/${a.userId}/accept`, { method: 'POST' }),
    'accept',
  );
  return accepted.conversationId;
}

export function sendRequest(url: string, from: TestAccount, to: TestAccount): Promise<Response> {
  return authedFetch(url, from, '/api/friends/requests', {
    method: 'POST',
    body: JSON.stringify({ userId: to.userId }),
  });
}

export type { SendRequestResponse };
