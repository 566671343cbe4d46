/// <reference lib="webworker" />
import { syncDbName } from '../sync/constants.ts';
import { openSearchIndex } from './opfs-db.ts';
import type { FoundMessage, SearchAnswer, SearchRequest } from './protocol.ts';
import { SearchEngine } from './search-engine.ts';

/**
 * The search worker (one per tab): indexing (tokenizing, reading and decoding the stored
 * documents) and every query run here, off the main thread, so typing stays smooth. The index's
 * files on OPFS can be held by one connection only, so the tabs' workers elect one with a Web
 * Lock: the holder opens the index and answers the others over a BroadcastChannel (their
 * changes and searches); when its tab closes, the lock passes to the next worker, which opens the
 * index and catches up from the stored documents.
 */
declare const self: DedicatedWorkerGlobalScope;

/** Between workers: changes and searches to the leader, results back to the asking worker. */
type Relay =
  | { kind: 'index'; put: Extract<SearchRequest, { kind: 'index' }>['put']; removed: string[] }
  | { kind: 'search'; from: string; ask: number; query: string; limit: number; before?: number }
  | { kind: 'results'; to: string; ask: number; hits: FoundMessage[] }
  | { kind: 'failed'; to: string; ask: number; message: string };

/** A search relayed to the leader that is not answered in this time fails (the leader went away). */
const RELAY_TIMEOUT_MS = 10_000;

const me = Math.random().toString(36).slice(2);
const post = (answer: SearchAnswer): void => self.postMessage(answer);
let channel: BroadcastChannel | null = null;
let engine: SearchEngine | null = null;
/** Holding the lock, opening the index: requests wait here until it is open. */
let starting: (() => void)[] | null = null;
let release: (() => void) | null = null;
const relayed = new Map<number, ReturnType<typeof setTimeout>>();

function failure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function whenLeading(run: (engine: SearchEngine) => void): boolean {
  if (engine) {
    run(engine);
    return true;
  }
  if (starting) {
    starting.push(() => engine && run(engine));
    return true;
  }
  return false;
}

function lead(userId: string): void {
  void navigator.locks.request(`messenjo-search-${userId}`, async () => {
    starting = [];
    try {
      const { index } = await openSearchIndex(userId);
      engine = new SearchEngine({
        index,
        syncDbName: syncDbName(userId),
        onProgress: (progress) => post({ kind: 'progress', progress }),
      });
    } catch (error) {
      console.warn('search index not opened', error);
    }
    for (const run of starting.splice(0)) run();
    starting = null;
    // Held until this tab's session ends.
    await new Promise<void>((resolve) => (release = resolve));
  });
}

function onRelay(message: Relay): void {
  switch (message.kind) {
    case 'index':
      whenLeading((e) => e.change(message.put, message.removed));
      return;
    case 'search':
      whenLeading((e) => {
        try {
          const hits = e.search(message.query, message.limit, message.before);
          channel?.postMessage({ kind: 'results', to: message.from, ask: message.ask, hits } satisfies Relay);
        } catch (error) {
          channel?.postMessage({
            kind: 'failed',
            to: message.from,
            ask: message.ask,
            message: failure(error),
          } satisfies Relay);
        }
      });
      return;
    case 'results':
    case 'failed':
      if (message.to !== me) return;
      clearTimeout(relayed.get(message.ask));
      relayed.delete(message.ask);
      post(
        message.kind === 'results'
          ? { kind: 'results', ask: message.ask, hits: message.hits }
          : { kind: 'failed', ask: message.ask, message: message.message },
      );
  }
}

self.onmessage = (event: MessageEvent<SearchRequest>) => {
  const request = event.data;
  switch (request.kind) {
    case 'open':
      if (channel) return;
      channel = new BroadcastChannel(`messenjo-search-${request.userId}`);
      channel.onmessage = (e: MessageEvent<Relay>) => onRelay(e.data);
      lead(request.userId);
      return;
    case 'index': {
      const { put, removed } = request;
      if (!whenLeading((e) => e.change(put, removed)))
        channel?.postMessage({ kind: 'index', put, removed } satisfies Relay);
      return;
    }
    case 'search': {
      const { ask, query, limit, before } = request;
      const answered = whenLeading((e) => {
        try {
          post({ kind: 'results', ask, hits: e.search(query, limit, before) });
        } catch (error) {
          post({ kind: 'failed', ask, message: failure(error) });
        }
      });
      if (answered) return;
      relayed.set(
        ask,
        setTimeout(() => {
          relayed.delete(ask);
          post({ kind: 'failed', ask, message: 'search is not available in this tab right now' });
        }, RELAY_TIMEOUT_MS),
      );
      channel?.postMessage({ kind: 'search', from: me, ask, query, limit, before } satisfies Relay);
      return;
    }
    case 'close':
      engine?.close();
      engine = null;
      channel?.close();
      release?.();
      self.close();
  }
};
