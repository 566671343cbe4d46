import { useMemo, useState } from 'react';
import { chatInfoOf } from '../chat/chat-info.ts';
import { ChatView } from '../chat/ChatView.tsx';
import { MuteToggle } from '../notifications/MuteToggle.tsx';
import { Avatar } from '../ui/Avatar.tsx';
import { BackButton } from '../ui/shell/BackButton.tsx';
import { GroupSettings } from './GroupSettings.tsx';
import { useConversationDetail } from './use-conversation-detail.ts';

/** The right-hand pane for one conversation: its header, the chat, and for groups the group's settings. */
export function ConversationPane(props: { id: string; meId: string; onLeft: () => void }) {
  // What the device's index holds paints the chat at once (offline too); the server's answer follows.
  const { detail, error } = useConversationDetail(props.id);
  const [showDetails, setShowDetails] = useState(false);
  const info = useMemo(() => (detail ? chatInfoOf(detail) : null), [detail]);
  if (error) return <p className="p-6 text-fg">{error}</p>;
  if (!detail || !info) return <p className="p-6 text-fg-muted">Loading…</p>;
  return (
    <div className="flex h-full flex-col">
      <header className="flex items-center gap-3 border-b border-line px-4 py-3">
        <BackButton />
        <Avatar id={detail.peer?.id ?? detail.id} name={detail.name} picture={detail.picture} size={40} />
        <h1 className="min-w-0 flex-1 truncate text-xl font-semibold" data-testid="conversation-title">
          {detail.name}
          {detail.kind === 'group' && (
            <span className="ml-2 text-base font-normal text-fg-muted">
              <span className="sr-only"> </span>({detail.memberCount}
              <span className="sr-only"> members</span>)
            </span>
          )}
        </h1>
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
      </header>
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
