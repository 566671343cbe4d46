import type { ConversationDetail } from '@messenjo/shared';
import type { ReactNode } from 'react';
import { Avatar } from '../ui/Avatar.tsx';
import { PendingRenameMark, usePendingRename } from './pending-rename.tsx';

/** The conversation pane's header: the way back (phones), picture, name with the member count, actions. */
export function ConversationHeader(props: {
  detail: ConversationDetail;
  back: ReactNode;
  children?: ReactNode;
}) {
  const { detail } = props;
  // A rename made on this device shows at once, marked until the server has it.
  const renamed = usePendingRename(detail.id);
  const name = renamed?.name ?? detail.name;
  return (
    <header className="flex items-center gap-3 border-b border-line px-4 py-3">
      {props.back}
      <Avatar id={detail.peer?.id ?? detail.id} name={name} picture={detail.picture} size={40} />
      <h1 className="min-w-0 flex-1 truncate text-xl font-semibold" data-testid="conversation-title">
        {name}
        {renamed && <PendingRenameMark />}
        {detail.kind === 'group' && (
          <span className="ml-2 text-base font-normal text-fg-muted">
            <span className="sr-only"> </span>({detail.memberCount}
            <span className="sr-only"> members</span>)
          </span>
        )}
      </h1>
      {props.children}
    </header>
  );
}
