import type { ConversationDetail } from '@messenjo/shared';
import { useEffect, useState } from 'react';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/context.tsx';

/**
 * One conversation with its members: as last seen on this device at once (offline too), then
 * from the server, again whenever a social change reached the device. Messages never refetch it.
 */
export function useConversationDetail(id: string): {
  detail: ConversationDetail | null;
  error: string | null;
} {
  const session = useDeviceSession();
  const { version } = useStore(session.social);
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    let fresh = false;
    void session.detail(id, false).then((stored) => {
      if (!cancelled && !fresh && stored) setDetail((current) => sameOrNew(current, stored));
    });
    session.detail(id, true).then(
      (d) => {
        if (cancelled || !d) return;
        fresh = true;
        setDetail((current) => sameOrNew(current, d));
        setError(null);
      },
      (e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [session, id, version]);
  return { detail: detail?.id === id ? detail : null, error: detail?.id === id ? null : error };
}

/**
 * The current object when nothing changed: the start's catch-up refetches what the device had,
 * and a new but equal detail would re-render the whole open chat for nothing.
 */
function sameOrNew(current: ConversationDetail | null, next: ConversationDetail): ConversationDetail {
  return current !== null && JSON.stringify(current) === JSON.stringify(next) ? current : next;
}
