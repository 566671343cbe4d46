import { useCallback, useEffect, useState } from 'react';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import type { FoundMessage, IndexProgress } from './protocol.ts';
import { isEmptyQuery, isCjk, queryTerms } from './tokens.ts';

/** Typing pauses this long before a query goes to the worker (each keystroke would be a query). */
const DEBOUNCE_MS = 120;
/** Results per page: the newest first, more on request. */
export const PAGE = 50;

export interface MessageSearchState {
  /** Null while nothing is asked (too short a query) or the first answer is on its way. */
  hits: FoundMessage[] | null;
  searching: boolean;
  error: string | null;
  /** The first reading of the stored documents, while it runs. */
  indexing: IndexProgress | null;
  /** Whether older matches may follow (the last page was full). */
  hasMore: boolean;
  more: () => void;
}

/** A query worth asking: two characters, or one Chinese or Japanese character. */
export function searchable(query: string): boolean {
  const trimmed = query.trim();
  if (isEmptyQuery(queryTerms(trimmed))) return false;
  return [...trimmed].length >= 2 || isCjk(trimmed);
}

interface Answer {
  query: string;
  hits: FoundMessage[] | null;
  error: string | null;
  hasMore: boolean;
}

/** The device's messages matching `query`, newest first; follows the query as it is typed. */
export function useMessageSearch(query: string): MessageSearchState {
  const session = useDeviceSession();
  const progress = useStore(session.search.progress);
  const [state, setState] = useState<Answer>({ query: '', hits: null, error: null, hasMore: false });
  const wanted = searchable(query) ? query.trim() : '';
  const failed = (error: unknown): string => (error instanceof Error ? error.message : String(error));
  useEffect(() => {
    if (wanted === '') return;
    let live = true;
    const timer = setTimeout(() => {
      session.search.search(wanted, PAGE).then(
        (hits) => live && setState({ query: wanted, hits, error: null, hasMore: hits.length === PAGE }),
        (error: unknown) =>
          live && setState({ query: wanted, hits: null, error: failed(error), hasMore: false }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // A new batch indexed during the first reading may hold more matches: ask again.
  }, [session, wanted, progress?.done]);
  const more = useCallback(() => {
    const last = state.hits?.at(-1);
    if (!last || state.query !== wanted) return;
    session.search.search(wanted, PAGE, last.key).then(
      (next) =>
        setState((s) =>
          s.query === wanted && s.hits?.at(-1) === last
            ? { ...s, hits: [...s.hits, ...next], hasMore: next.length === PAGE }
            : s,
        ),
      (error: unknown) => setState((s) => ({ ...s, error: failed(error) })),
    );
  }, [session, state, wanted]);
  const current = state.query === wanted && wanted !== '';
  return {
    // The previous answer stays while the next is on its way (no flicker as the person types).
    hits: wanted !== '' ? state.hits : null,
    searching: wanted !== '' && !current,
    error: current ? state.error : null,
    indexing: progress && progress.done < progress.total ? progress : null,
    hasMore: current && state.hasMore,
    more,
  };
}
