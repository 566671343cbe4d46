import { useMemo } from 'react';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import { filterByName, type ConversationRow } from '../session/index.ts';

/** The conversation list (latest activity first) filtered by name, and whether the device has read its index yet. */
export function useConversations(filter: string): { rows: readonly ConversationRow[]; ready: boolean } {
  const session = useDeviceSession();
  const all = useStore(session.conversations);
  const ready = useStore(session.listReady);
  const rows = useMemo(() => filterByName(all, filter), [all, filter]);
  return { rows, ready };
}
