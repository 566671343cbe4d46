import type { ConversationDetail } from '@messenjo/shared';
import { useEffect, useMemo, useState } from 'react';
import type { ConversationRow } from '../session/index.ts';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';

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
  // Until the index answers: the members the start's first read found (the pane it takes over
  // from painted with them), never the list row's, which has none of a group's: every sender
  // would read "Former member" for that moment (NM2; seen in CI, offline after a reload).
  const first = useStore(session.firstConversation);
  const opened = first?.conversationId === id ? first.detail : undefined;
  // A conversation never opened on this device has no stored detail, but its list row is here:
  // enough to open it offline rather than wait on the network for what the device holds.
  const rows = useStore(session.conversations);
  const row = rows.find((r) => r.id === id);
  const fromRow = useMemo(() => (row ? detailFromListRow(row) : null), [row]);
  if (detail?.id === id) return { detail, error: null };
  if (opened) return { detail: opened, error: null };
  return fromRow ? { detail: fromRow, error: null } : { detail: null, error };
}

/** The list row as a detail: members other than a direct conversation's peer come with the server's answer. */
export function detailFromListRow(row: ConversationRow): ConversationDetail {
  const { local: _local, ...entry } = row;
  return { ...entry, members: row.peer ? [{ ...row.peer, role: 'member', joinedAt: 0 }] : [] };
}

/**
 * The current object when nothing changed: the start's catch-up refetches what the device had,
 * and a new but equal detail would re-render the whole open chat for nothing.
 */
function sameOrNew(current: ConversationDetail | null, next: ConversationDetail): ConversationDetail {
  return current !== null && JSON.stringify(current) === JSON.stringify(next) ? current : next;
}
