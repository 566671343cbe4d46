import { useState } from 'react';
import { Avatar } from '../ui/Avatar.tsx';
import { GroupSettings } from './GroupSettings.tsx';
import { useConversationDetail } from './use-conversation-detail.ts';

/** The right-hand pane for one conversation: its header and, for groups, the group's settings. */
export function ConversationPane(props: { id: string; meId: string; onLeft: () => void }) {
  const { detail, error } = useConversationDetail(props.id);
  const [showDetails, setShowDetails] = useState(false);
  if (error) return <p className="p-6 text-fg-danger">{error}</p>;
  if (!detail) return <p className="p-6 text-fg-muted">Loading…</p>;
  return (
    <div className="flex h-full flex-col">
      <header className="flex items-center gap-3 border-b border-line px-4 py-3">
        <Avatar id={detail.peer?.id ?? detail.id} name={detail.name} picture={detail.picture} size={40} />
        <h2 className="min-w-0 flex-1 truncate text-xl font-semibold" data-testid="conversation-title">
          {detail.name}
          {detail.kind === 'group' && (
            <span className="ml-2 text-base font-normal text-fg-muted">({detail.memberCount})</span>
          )}
        </h2>
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
      {!detail.canWrite && (
        <p className="border-b border-line px-4 py-2 text-sm text-warn" role="note">
          {detail.kind === 'direct'
            ? 'You are no longer friends: the history stays readable, new messages are closed.'
            : detail.role === null
              ? 'You left or were removed: the history stays readable, new messages are closed.'
              : 'This group has ended.'}
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-y-auto">
        {showDetails && detail.kind === 'group' ? (
          <GroupSettings key={detail.id} detail={detail} meId={props.meId} onLeft={props.onLeft} />
        ) : (
          <p className="p-6 text-sm text-fg-muted">
            {detail.lastMessage ? detail.lastMessage.preview : 'No messages yet.'}
          </p>
        )}
      </div>
    </div>
  );
}
