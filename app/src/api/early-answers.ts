import { api } from './client.ts';

/**
 * The signed-in app's first GET requests, asked by boot.ts as soon as it knows who is signed in,
 * beside the download of the code that reads them instead of after it: on a fresh device the
 * conversation list and the open conversation's members were asked only once the engine had
 * loaded, a round trip on the way to its first messages (Lighthouse, docs/benchmarks.md). Each
 * answer is taken once, by the same user's session, within a while of the start; a failed one is
 * asked again, so an answer from before a sign-in, or a 401, is never handed on.
 */

/** An early answer is stale after this long: the session asks again. */
const FRESH_MS = 30_000;

interface Asked {
  userId: string;
  at: number;
  answer: Promise<unknown>;
}

const asked = new Map<string, Asked>();

/** Starts `path`'s request for `userId` now, unless it has been asked already. */
export function askEarly(path: string, userId: string): void {
  if (asked.has(path)) return;
  const answer = api(path);
  // Handled by the request that takes it; never an unhandled rejection meanwhile.
  answer.catch(() => undefined);
  asked.set(path, { userId, at: Date.now(), answer });
}

/** `path`'s early answer when it was asked for `userId` and is fresh and good, else `ask()`. */
export async function answerOf<T>(path: string, userId: string, ask: () => Promise<T>): Promise<T> {
  const early = asked.get(path);
  asked.delete(path);
  if (!early || early.userId !== userId || Date.now() - early.at > FRESH_MS) return ask();
  try {
    return (await early.answer) as T;
  } catch {
    return ask();
  }
}
