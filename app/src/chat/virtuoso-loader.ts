import { useEffect, useState } from 'react';
import type { Virtuoso as VirtuosoType } from 'react-virtuoso';
import { afterNextPaint } from '../lib/after-paint.ts';

/**
 * react-virtuoso (~60 KB of script), loaded when the message list first needs it rather than with
 * the chat's code: opened at its newest message the list is plain rows (`NewestRows`), and the
 * virtualized list takes over only when the person scrolls up, goes to a message or opens at the
 * "New messages" divider: fetched behind the first paint, not on the way to it (Lighthouse,
 * docs/benchmarks.md).
 */
export type VirtuosoComponent = typeof VirtuosoType;

let loaded: VirtuosoComponent | undefined;
let loading: Promise<VirtuosoComponent> | undefined;

export function loadVirtuoso(): Promise<VirtuosoComponent> {
  loading ??= import('react-virtuoso').then(
    (module) => (loaded = module.Virtuoso),
    (error: unknown) => {
      // Asked again next time (a first visit that went offline before the worker held the chunk).
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * The virtualized list's component once loaded, and whether loading it failed. Asked at once while
 * `wanted`, else right behind the first paint: fetched ahead, so a takeover seldom waits and a page
 * that goes offline before the service worker holds the chunk has it all the same. A failed load
 * is tried again when the browser is back online.
 */
export function useVirtuoso(wanted: boolean): { Virtuoso: VirtuosoComponent | undefined; failed: boolean } {
  const [Virtuoso, setVirtuoso] = useState(() => loaded);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (Virtuoso) return;
    const ended = new AbortController();
    (wanted ? Promise.resolve() : afterNextPaint()).then(loadVirtuoso).then(
      (component) => {
        if (!ended.signal.aborted) setVirtuoso(() => component);
      },
      () => {
        if (ended.signal.aborted) return;
        setFailed(true);
        window.addEventListener('online', () => setAttempt((n) => n + 1), {
          once: true,
          signal: ended.signal,
        });
      },
    );
    return () => ended.abort();
  }, [Virtuoso, wanted, attempt]);
  return { Virtuoso, failed: failed && Virtuoso === undefined };
}
