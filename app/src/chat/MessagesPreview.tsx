import { useMemo } from 'react';
import type { TailMessage } from '../session/index.ts';
import type { ChatInfo } from './chat-info.ts';
import { Row, type RowContext } from './MessageRow.tsx';
import { buildRows } from './rows.ts';
import type { ChatMessage } from './types.ts';

const noop = (): void => {};

/** A message of the device's index as the conversation view shows it (no reactions: they come with the documents). */
function fromTail(m: TailMessage): ChatMessage {
  return {
    id: m.id,
    author: m.author,
    text: m.text,
    sentAt: m.sentAt,
    segment: m.segment,
    pending: false,
    edited: false,
    deleted: false,
    reactions: [],
    ...(m.replyTo !== undefined && { replyTo: m.replyTo }),
    ...(m.system !== undefined && { system: m.system }),
  };
}

/**
 * The newest messages of a conversation as the device's index holds them, painted before the
 * documents, Yjs and the virtualized list have loaded (a fresh start on a conversation's address):
 * the same rows as the real list, in a plain bottom-aligned column with nothing to measure. The
 * real list takes its place once it has rendered (MessageList's `onShown`).
 */
export function MessagesPreview(props: { messages: readonly TailMessage[]; meId: string; info: ChatInfo }) {
  const { messages, meId, info } = props;
  const rows = useMemo(
    () => buildRows(messages.map(fromTail), { meId, unreadFromId: undefined }),
    [messages, meId],
  );
  const ctx: RowContext = useMemo(
    () => ({
      meId,
      // Nothing to act on yet: no menus until the real list is here.
      info: { ...info, canWrite: false, canModerate: false },
      byId: new Map(rows.flatMap((r) => (r.kind === 'message' ? [[r.message.id, r.message] as const] : []))),
      readers: new Map(),
      lastOwn: -1,
      highlighted: null,
      onReply: noop,
      onEdit: noop,
      onDelete: noop,
      onReact: noop,
      onJumpTo: noop,
      onOpenPicture: noop,
    }),
    [rows, meId, info],
  );
  return (
    <div className="flex h-full flex-col justify-end overflow-hidden pb-2" data-testid="messages-preview">
      {rows.map((row) => (
        <Row key={row.key} row={row} ctx={ctx} />
      ))}
    </div>
  );
}

/** The composer's room while it loads, so the messages above do not move when it appears. */
export function ComposerPlaceholder() {
  return (
    <div className="border-t border-line px-3 pt-2 pb-3" aria-hidden="true">
      <div className="h-11" />
      <div className="h-5" />
    </div>
  );
}
