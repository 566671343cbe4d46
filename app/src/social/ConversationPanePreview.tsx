import { useMemo, type ReactNode } from 'react';
import { chatInfoOf } from '../chat/chat-info.ts';
import { ComposerPlaceholder, MessagesPreview } from '../chat/MessagesPreview.tsx';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import { ConversationHeader } from './ConversationHeader.tsx';
import { detailFromListRow } from './use-conversation-detail.ts';

/**
 * The conversation pane while its code loads (a fresh start on a conversation's address): its
 * header from the list row (or the members the device held) and its newest messages from the
 * first read of the device's index, so they paint before the chat, Yjs and the documents load.
 */
export function ConversationPanePreview(props: { id: string; meId: string; back: ReactNode }) {
  const session = useDeviceSession();
  const first = useStore(session.firstConversation);
  const rows = useStore(session.conversations);
  const row = rows.find((r) => r.id === props.id);
  const opening = first?.conversationId === props.id ? first : null;
  const detail = useMemo(
    () => opening?.detail ?? (row ? detailFromListRow(row) : null),
    [opening?.detail, row],
  );
  const info = useMemo(() => (detail ? chatInfoOf(detail) : null), [detail]);
  if (!detail || !info) return <div className="flex-1" aria-busy="true" />;
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <ConversationHeader detail={detail} back={props.back} />
      <section className="relative min-h-0 flex-1" aria-label="Messages">
        {opening && opening.messages.length > 0 && (
          <MessagesPreview messages={opening.messages} meId={props.meId} info={info} />
        )}
      </section>
      {info.canWrite && <ComposerPlaceholder />}
    </div>
  );
}
