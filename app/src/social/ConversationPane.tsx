import { useMemo, useState, type ReactNode } from 'react';
import { chatInfoOf } from '../chat/chat-info.ts';
import { ChatView } from '../chat/ChatView.tsx';
import { MuteToggle } from '../notifications/MuteToggle.tsx';
import { ConversationHeader } from './ConversationHeader.tsx';
import { GroupSettings } from './GroupSettings.tsx';
import { useConversationDetail } from './use-conversation-detail.ts';

/** The right-hand pane for one conversation: its header, the chat, and for groups the group's settings. */
export function ConversationPane(props: {
  id: string;
  meId: string;
  onLeft: () => void;
  /** The way back to the list on a phone (the shell's BackButton). */
  back: ReactNode;
}) {
  // What the device's index holds paints the chat at once (offline too); the server's answer follows.
  const { detail, error } = useConversationDetail(props.id);
  const [showDetails, setShowDetails] = useState(false);
  const info = useMemo(() => (detail ? chatInfoOf(detail) : null), [detail]);
  if (error) return <p className="p-6 text-fg">{error}</p>;
  if (!detail || !info) return <p className="p-6 text-fg-muted">Loading…</p>;
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <ConversationHeader detail={detail} back={props.back}>
        <MuteToggle conversationId={detail.id} />
        {detail.kind === 'group' && (
          <button
            type="button"
            aria-expanded={showDetails}
            onClick={() => setShowDetails((v) => !v)}
            className="rounded-lg px-3 py-1.5 text-sm hover:bg-raised"
          >
            {showDetails ? 'Close details' : 'Group details'}
          </button>
        )}
      </ConversationHeader>
      {showDetails && detail.kind === 'group' ? (
        <div className="min-h-0 flex-1 overflow-y-auto">
          <GroupSettings key={detail.id} detail={detail} meId={props.meId} onLeft={props.onLeft} />
        </div>
      ) : (
        <ChatView meId={props.meId} conversationId={detail.id} info={info} />
      )}
    </div>
  );
}
