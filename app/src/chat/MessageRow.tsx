import { describeSystemEntry } from '@messenjo/shared';
import { memo } from 'react';
import { Avatar } from '../ui/Avatar.tsx';
import { senderName, type ChatInfo } from './chat-info.ts';
import { excerpt, isEmojiOnly, splitLinks } from './message-text.ts';
import { MessageAttachments } from './MessageAttachments.tsx';
import { MessageMenu, QUICK_REACTIONS, type MenuAction } from './MessageMenu.tsx';
import type { ChatRow } from './rows.ts';
import { fullTimeLabel, timeLabel } from './time-labels.ts';
import type { ChatMessage } from './types.ts';

/** What every row needs beside its own data (Virtuoso's `context`, so rows are not re-created per render). */
export interface RowContext {
  meId: string;
  info: ChatInfo;
  byId: ReadonlyMap<string, ChatMessage>;
  /** How far each other member has read (index into the timeline). */
  readers: ReadonlyMap<string, number>;
  /** Index of the newest own message: "Read" / "Seen by" shows under it. */
  lastOwn: number;
  highlighted: string | null;
  onReply: (message: ChatMessage) => void;
  onEdit: (message: ChatMessage) => void;
  onDelete: (message: ChatMessage) => void;
  onReact: (message: ChatMessage, emoji: string, on: boolean) => void;
  /** Someone else's voice note was played here (PL1); absent where nothing is written. */
  onPlayed?: (message: ChatMessage) => void;
  onJumpTo: (messageId: string) => void;
  /** Opens the conversation's picture viewer at this picture of this message. */
  onOpenPicture: (messageId: string, blob: string) => void;
  /** Gives up my message whose files are still uploading or were refused; absent where nothing is sent. */
  onDiscardUpload?: (message: ChatMessage) => void;
}

export type SendState = 'pending' | 'sent' | 'read';

function sendState(message: ChatMessage, index: number, ctx: RowContext): SendState {
  if (message.pending) return 'pending';
  if (ctx.info.kind === 'direct' && [...ctx.readers.values()].some((at) => at >= index)) return 'read';
  return 'sent';
}

const STATE_LABEL: Record<SendState, string> = { pending: 'Pending', sent: 'Sent', read: 'Read' };
const STATE_TITLE: Record<SendState, string> = {
  pending: 'Only on this device: it goes out when the connection is back',
  sent: 'Stored by the server',
  read: 'Read',
};

export const Row = memo(function Row(props: { row: ChatRow; ctx: RowContext }) {
  const { row, ctx } = props;
  if (row.kind === 'day')
    return (
      <div className="flex justify-center py-3" role="separator" aria-label={row.label}>
        <span className="rounded-full bg-surface px-3 py-0.5 text-xs font-medium text-fg-muted">
          {row.label}
        </span>
      </div>
    );
  if (row.kind === 'unread')
    return (
      <div className="flex items-center gap-3 px-4 py-2" role="separator" data-testid="unread-divider">
        <span className="h-px flex-1 bg-accent" />
        <span className="text-xs font-semibold text-fg">New messages</span>
        <span className="h-px flex-1 bg-accent" />
      </div>
    );
  const { message } = row;
  if (message.system)
    return (
      <p
        className="px-6 py-1.5 text-center text-xs text-fg-muted"
        data-message-id={message.id}
        data-system=""
      >
        {describeSystemEntry(message.system, (id) =>
          id !== ctx.meId ? senderName(ctx.info, id) : id === message.system?.actorId ? 'You' : 'you',
        )}
      </p>
    );
  return <MessageBubble row={row} ctx={ctx} />;
});

function MessageBubble(props: { row: Extract<ChatRow, { kind: 'message' }>; ctx: RowContext }) {
  const { row, ctx } = props;
  const { message, own } = row;
  const group = ctx.info.kind === 'group';
  const name = own ? 'You' : senderName(ctx.info, message.author);
  const member = ctx.info.members.get(message.author) ?? ctx.info.formerMembers.get(message.author);
  const state = own ? sendState(message, row.index, ctx) : undefined;
  const seen = own && group && row.index === ctx.lastOwn ? seenBy(ctx, row.index) : [];
  const big = !message.deleted && isEmojiOnly(message.text);
  const original = message.replyTo === undefined ? undefined : ctx.byId.get(message.replyTo);

  const actions: MenuAction[] = [];
  // A message whose files are still uploading is not in the conversation yet: nothing to act on.
  if (!message.deleted && ctx.info.canWrite && !message.upload) {
    actions.push({ label: 'Reply', run: () => ctx.onReply(message) });
    if (own) actions.push({ label: 'Edit', run: () => ctx.onEdit(message) });
    if (own || ctx.info.canModerate) actions.push({ label: 'Delete', run: () => ctx.onDelete(message) });
  }
  const reactions =
    message.deleted || !ctx.info.canWrite || message.upload
      ? []
      : QUICK_REACTIONS.map((emoji) => {
          const mine = message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(ctx.meId));
          return { emoji, mine, toggle: () => ctx.onReact(message, emoji, !mine) };
        });

  return (
    <div
      className={`group flex gap-2 px-4 ${row.firstOfGroup ? 'pt-2' : 'pt-0.5'} ${own ? 'flex-row-reverse' : ''}`}
      data-message-id={message.id}
      data-own={own ? '' : undefined}
      data-status={state}
    >
      {group && !own && (
        <div className="w-9 shrink-0 self-end">
          {row.lastOfGroup && (
            <Avatar id={message.author} name={name} picture={member?.picture ?? null} size={36} />
          )}
        </div>
      )}
      <div className={`flex max-w-[min(75%,42rem)] min-w-0 flex-col ${own ? 'items-end' : 'items-start'}`}>
        {group && !own && row.firstOfGroup && (
          <span className="mb-0.5 px-1 text-xs font-semibold text-fg-muted" data-testid="sender-name">
            {name}
          </span>
        )}
        <div className={`flex items-center gap-1 ${own ? 'flex-row-reverse' : ''}`}>
          <div
            className={`min-w-0 rounded-2xl px-3.5 py-2 ${
              big
                ? 'bg-transparent'
                : own
                  ? 'bg-bubble-own text-on-bubble-own'
                  : 'bg-bubble-other text-on-bubble-other'
            } ${ctx.highlighted === message.id ? 'ring-2 ring-focus' : ''}`}
            data-highlighted={ctx.highlighted === message.id || undefined}
            title={fullTimeLabel(message.sentAt)}
          >
            {message.replyTo !== undefined && (
              <button
                type="button"
                onClick={() => ctx.onJumpTo(message.replyTo ?? '')}
                className="mb-1 block w-full border-l-2 border-current pl-2 text-left text-xs opacity-90 hover:opacity-100"
                aria-label={`Go to the message this replies to${original ? ` from ${senderName(ctx.info, original.author)}` : ''}`}
                data-testid="reply-quote"
              >
                {original ? (
                  <>
                    <span className="font-semibold">
                      {original.author === ctx.meId ? 'You' : senderName(ctx.info, original.author)}
                    </span>{' '}
                    <span dir="auto">
                      {original.deleted ? 'Message deleted' : excerpt(original.text, 80)}
                    </span>
                  </>
                ) : (
                  'Earlier message'
                )}
              </button>
            )}
            {message.deleted ? (
              <p className="text-sm italic opacity-80" data-testid="message-deleted">
                Message deleted
              </p>
            ) : (
              <>
                {message.attachments && (
                  <MessageAttachments
                    meId={ctx.meId}
                    attachments={message.attachments}
                    upload={message.upload}
                    {...(ctx.onDiscardUpload && {
                      onDiscardUpload: () => ctx.onDiscardUpload?.(message),
                    })}
                    played={{
                      mine: message.author === ctx.meId,
                      playedBy: message.playedBy ?? [],
                      onPlayed: () => ctx.onPlayed?.(message),
                    }}
                    onOpenPicture={(blob) => ctx.onOpenPicture(message.id, blob)}
                  />
                )}
                {(message.text !== '' || !message.attachments) && (
                  <p
                    dir="auto"
                    className={`whitespace-pre-wrap wrap-anywhere ${big ? 'text-4xl leading-tight' : 'text-[15px] leading-snug'}`}
                    data-testid="message-text"
                  >
                    <MessageText text={message.text} />
                  </p>
                )}
              </>
            )}
          </div>
          {(actions.length > 0 || reactions.length > 0) && (
            <MessageMenu
              label={`Actions for message from ${name}`}
              reactions={reactions}
              actions={actions}
              alignEnd={own}
            />
          )}
        </div>
        {message.reactions.length > 0 && (
          <ul className="mt-1 flex flex-wrap gap-1" aria-label="Reactions">
            {message.reactions.map((r) => {
              const mine = r.userIds.includes(ctx.meId);
              const who = r.userIds
                .map((id) => (id === ctx.meId ? 'You' : senderName(ctx.info, id)))
                .join(', ');
              return (
                <li key={r.emoji}>
                  <button
                    type="button"
                    aria-pressed={mine}
                    disabled={!ctx.info.canWrite}
                    title={who}
                    aria-label={`${r.emoji} ${r.userIds.length}: ${who}`}
                    onClick={() => ctx.onReact(message, r.emoji, !mine)}
                    className={`rounded-full border px-2 py-0.5 text-sm text-fg ${mine ? 'border-accent bg-raised' : 'border-line bg-surface'}`}
                    data-testid="reaction"
                  >
                    {r.emoji} <span className="text-xs">{r.userIds.length}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        {(row.lastOfGroup || message.pending || message.edited || row.index === ctx.lastOwn) && (
          <p className="mt-0.5 px-1 text-xs text-fg-muted">
            <time dateTime={new Date(message.sentAt).toISOString()}>{timeLabel(message.sentAt)}</time>
            {message.edited && !message.deleted && <span data-testid="edited"> · edited</span>}
            {state === 'pending' && (
              <span title={STATE_TITLE.pending} data-testid="send-state">
                {' '}
                · Pending
              </span>
            )}
            {state !== undefined && state !== 'pending' && row.index === ctx.lastOwn && (
              <span
                title={
                  seen.length > 0 ? seen.map((id) => senderName(ctx.info, id)).join(', ') : STATE_TITLE[state]
                }
                data-testid="send-state"
              >
                {' '}
                · {group ? (seen.length > 0 ? `Seen by ${seen.length}` : 'Sent') : STATE_LABEL[state]}
              </span>
            )}
          </p>
        )}
      </div>
    </div>
  );
}

function seenBy(ctx: RowContext, index: number): string[] {
  return [...ctx.readers].filter(([, at]) => at >= index).map(([id]) => id);
}

/** A message's text as text (never HTML), with http(s) links that open safely in a new tab. */
export function MessageText(props: { text: string }) {
  return (
    <>
      {splitLinks(props.text).map((part, i) =>
        part.kind === 'link' ? (
          <a
            key={i}
            href={part.href}
            target="_blank"
            rel="noopener noreferrer"
            className="underline decoration-1 underline-offset-2 hover:decoration-2"
          >
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
