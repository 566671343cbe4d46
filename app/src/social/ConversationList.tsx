import type { ConversationListEntry } from '@messenjo/shared';
import { Avatar } from '../ui/Avatar.tsx';
import { listTime } from '../ui/format-time.ts';

/** The left-hand list: avatar, name (with member count for groups), last message, time. */
export function ConversationList(props: {
  conversations: ConversationListEntry[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  if (props.conversations.length === 0) {
    return (
      <p className="px-3 py-6 text-sm text-fg-muted">
        No conversations yet. Add a friend or create a group to start one.
      </p>
    );
  }
  return (
    <ul aria-label="Conversations" className="flex flex-col gap-1">
      {props.conversations.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            onClick={() => props.onSelect(c.id)}
            aria-current={c.id === props.selectedId ? 'true' : undefined}
            data-conversation-id={c.id}
            className={`flex w-full items-center gap-3 rounded-xl px-2 py-2 text-left transition-colors ${
              c.id === props.selectedId ? 'bg-raised' : 'hover:bg-surface'
            }`}
          >
            <Avatar id={c.peer?.id ?? c.id} name={c.name} picture={c.picture} />
            <span className="min-w-0 flex-1">
              <span className="flex items-baseline justify-between gap-2">
                <span className="truncate font-semibold">
                  <span data-testid="conversation-name">{c.name}</span>
                  {c.kind === 'group' && (
                    <span className="ml-1 font-normal text-fg-muted">({c.memberCount})</span>
                  )}
                </span>
                <span className="shrink-0 text-xs text-fg-muted">
                  {listTime(c.lastMessage?.at ?? c.lastActivityAt)}
                </span>
              </span>
              <span className="block truncate text-sm text-fg-muted">
                {!c.canWrite
                  ? 'Read only'
                  : (c.lastMessage?.preview ?? (c.kind === 'group' ? 'Group created' : 'Say hello'))}
              </span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
