import type { ConversationDetail } from '@messenjo/shared';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { useSocial } from './use-social.ts';

/** One conversation with its members, reloaded whenever the social lists refresh. */
export function useConversationDetail(id: string): {
  detail: ConversationDetail | null;
  error: string | null;
} {
  const { conversations, friends } = useSocial();
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`).then(
      (d) => {
        if (cancelled) return;
        setDetail(d);
        setError(null);
      },
      (e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id, conversations, friends]);
  return { detail: detail?.id === id ? detail : null, error };
}
