import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { useDeviceSession, type TailMessage } from '../session/index.ts';
import { membershipEndedText, senderName, type ChatInfo } from './chat-info.ts';
import { Composer, type ComposerMode } from './Composer.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { formatTime } from '../ui/format-time.ts';
import type { ChatState, ConversationModel } from './conversation-model.ts';
import { excerpt } from './message-text.ts';
import { MessageList, type ListContext } from './MessageList.tsx';
import { ComposerPlaceholder, MessagesPreview } from './MessagesPreview.tsx';
import { nextOpeningAnchor, type OpeningAnchor } from './opening-anchor.ts';
import { typingSentence, type TypingModel } from './typing-model.ts';
import type { ChatMessage } from './types.ts';
import { useStore } from '../lib/use-store.ts';
import { useChatModels } from './use-chat.ts';

/** How long the preview may stand in for a list that has not reported its rows. */
const PREVIEW_AT_MOST_MS = 1500;

/** The open conversation: its history, who is typing, and the composer (or why it is closed). */
export function ChatView(props: { meId: string; conversationId: string; info: ChatInfo }) {
  const session = useDeviceSession();
  const models = useChatModels(session, props.conversationId);
  // A fresh start on this conversation's address: its newest messages as the index held them.
  const first = useStore(session.firstConversation);
  const preview = first?.conversationId === props.conversationId && first.messages.length > 0 ? first : null;
  if (!models)
    return (
      <div className="flex min-h-0 flex-1 flex-col">
        <Opening preview={preview?.messages} meId={props.meId} info={props.info} />
        <ComposerPlaceholder />
      </div>
    );
  return (
    <OpenChat
      model={models.model}
      typing={models.typing}
      meId={props.meId}
      info={props.info}
      preview={preview?.messages}
    />
  );
}

/** Before the history is shown: the index's newest messages when the start read them, else a word. */
function Opening(props: { preview: readonly TailMessage[] | undefined; meId: string; info: ChatInfo }) {
  if (!props.preview) return <p className="flex-1 p-6 text-sm text-fg-muted">Loading messages…</p>;
  return (
    <section className="relative min-h-0 flex-1" aria-label="Messages">
      <MessagesPreview messages={props.preview} meId={props.meId} info={props.info} />
    </section>
  );
}

function OpenChat(props: {
  model: ConversationModel;
  typing: TypingModel;
  meId: string;
  info: ChatInfo;
  preview: readonly TailMessage[] | undefined;
}) {
  const { model, typing, meId, info } = props;
  // The preview stays over the real list until that has rendered its rows (no measuring frames shown).
  const [listShown, setListShown] = useState(false);
  const showList = useCallback(() => setListShown(true), []);
  // Should the list never report its rows (an empty pane), the preview still goes.
  useEffect(() => {
    if (!props.preview) return;
    const timer = setTimeout(showList, PREVIEW_AT_MOST_MS);
    return () => clearTimeout(timer);
  }, [props.preview, showList]);
  // Deferred: a store's change renders at once (useSyncExternalStore) and in one task, but the
  // history's rows re-render here as a transition, which React renders in slices of a few
  // milliseconds. A fresh device's history arrived in one render of every row, a 45-70 ms task
  // (blocking time in Lighthouse's traces, issue 16). What the person does (the composer) stays urgent.
  const state = useDeferredValue(useStore(model.state));
  const [mode, setMode] = useState<ComposerMode | null>(null);
  const [deleting, setDeleting] = useState<ChatMessage | null>(null);
  // Stable: the dialog's effect depends on it (a new one each render would reopen the dialog).
  const stopDeleting = useCallback(() => setDeleting(null), []);
  const area = useRef<HTMLDivElement>(null);
  const anchor = useOpeningAnchor(state, meId, area);

  const context: ListContext = useMemo(
    () => ({
      meId,
      info,
      onReply: (message) =>
        setMode({
          kind: 'reply',
          message,
          author: message.author === meId ? 'yourself' : senderName(info, message.author),
        }),
      onEdit: (message) => setMode({ kind: 'edit', message }),
      onDelete: setDeleting,
      onReact: (message, emoji, on) => model.react(message, emoji, on),
      // A member who can no longer write in the conversation writes no "played" either.
      onPlayed: (message) => {
        if (info.canWrite) model.markPlayed(message);
      },
      onDiscardUpload: (message) => void model.discardUpload(message.id),
    }),
    [meId, info, model],
  );

  return (
    <div ref={area} className="flex min-h-0 flex-1 flex-col">
      {anchor === null ? (
        <Opening preview={props.preview} meId={meId} info={info} />
      ) : state.messages.length === 0 && !state.hasOlder ? (
        <p
          className="flex flex-1 items-center justify-center p-6 text-sm text-fg-muted"
          data-testid="no-messages"
        >
          No messages yet. Say hello!
        </p>
      ) : (
        <div className="relative flex min-h-0 flex-1 flex-col">
          {props.preview && !listShown && (
            <div className="absolute inset-0 z-10 bg-canvas">
              <MessagesPreview messages={props.preview} meId={meId} info={info} />
            </div>
          )}
          <MessageList
            // Placed again by a read position that arrived late: the list opens anew there.
            key={anchor.unreadFromId ?? 'newest'}
            model={model}
            state={state}
            unreadFromId={anchor.unreadFromId}
            context={context}
            onShown={showList}
          />
        </div>
      )}
      {info.kind === 'group' && info.membershipEnded && <MembershipEndedLine info={info} />}
      <TypingLine typing={typing} info={info} />
      <NewMessageAnnouncer messages={state.messages} meId={meId} info={info} />
      {info.canWrite ? (
        <Composer model={model} typing={typing} mode={mode} onDone={() => setMode(null)} />
      ) : (
        <p
          className="border-t border-line px-4 py-3 text-sm text-fg-muted"
          role="note"
          data-testid="read-only"
        >
          {info.readOnlyReason}
        </p>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this message?"
        body={
          deleting?.author === meId
            ? 'Everyone in the conversation will see “Message deleted” in its place.'
            : `You are deleting a message from ${deleting ? senderName(info, deleting.author) : ''} for everyone. Its place will show “Message deleted”.`
        }
        confirmLabel="Delete"
        onConfirm={() => {
          if (deleting) model.remove(deleting);
          setDeleting(null);
        }}
        onCancel={stopDeleting}
      />
    </div>
  );
}

/**
 * Where the conversation opens (`nextOpeningAnchor`): the first unread message, or (undefined)
 * the newest. With history on the device it is decided at once from what the device holds, as
 * soon as the read position is known too (local first: the history paints without waiting for
 * the server; messages the server brings next follow below). A device holding nothing yet (a new
 * one) waits until the newest segment and the user document have the server's state or the
 * device is offline; decided by "offline" alone, the read position still places it when it
 * arrives before the person scrolled, typed or clicked in `area`.
 */
function useOpeningAnchor(
  state: ChatState,
  meId: string,
  area: RefObject<HTMLElement | null>,
): OpeningAnchor | null {
  const [anchor, setAnchor] = useState<OpeningAnchor | null>(null);
  // Whether the device held history when the model was ready (loaded from storage), decided once:
  // messages that arrived from the network since do not open the view before it has settled.
  const [heldAtReady, setHeldAtReady] = useState<boolean | null>(null);
  const held = heldAtReady ?? (state.ready ? state.messages.length > 0 : null);
  if (heldAtReady === null && held !== null) setHeldAtReady(held);
  const interacted = useInteracted(area, anchor?.provisional === true);
  const next = nextOpeningAnchor(
    anchor,
    {
      settled: state.settled,
      synced: state.synced,
      readKnown: state.readKnown,
      hasLocal: held === true && state.messages.length > 0,
      messages: state.messages,
      readPosition: state.readPosition,
    },
    meId,
    interacted,
  );
  if (next !== anchor) setAnchor(next);
  return next;
}

/** Whether the person scrolled, typed, clicked or touched inside `area` while `watching`. */
function useInteracted(area: RefObject<HTMLElement | null>, watching: boolean): boolean {
  const [interacted, setInteracted] = useState(false);
  useEffect(() => {
    const element = area.current;
    if (!watching || !element) return;
    const events = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;
    const seen = (): void => setInteracted(true);
    for (const type of events) element.addEventListener(type, seen, { capture: true, passive: true });
    return () => {
      for (const type of events) element.removeEventListener(type, seen, { capture: true });
    };
  }, [area, watching]);
  return interacted;
}

function TypingLine(props: { typing: TypingModel; info: ChatInfo }) {
  const ids = useStore(props.typing.typing);
  const sentence = typingSentence(ids.map((id) => senderName(props.info, id)));
  return (
    <p className="h-5 px-5 text-xs text-fg-muted" data-testid="typing" aria-hidden={sentence === ''}>
      {sentence}
    </p>
  );
}

/** A polite live region: screen readers hear each new incoming message once, not the history. */
function NewMessageAnnouncer(props: { messages: readonly ChatMessage[]; meId: string; info: ChatInfo }) {
  const newest = props.messages.at(-1);
  const [seen, setSeen] = useState(() => ({ id: newest?.id, text: '' }));
  if (newest && newest.id !== seen.id) {
    const incoming = newest.author !== props.meId && !newest.system && !newest.deleted;
    setSeen({
      id: newest.id,
      text: incoming ? `${senderName(props.info, newest.author)}: ${excerpt(newest.text, 200)}` : seen.text,
    });
  }
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {seen.text}
    </div>
  );
}

/** The end of a removed (or departed) member's copy: who removed her and when (NM2). */
function MembershipEndedLine(props: { info: ChatInfo }) {
  const { info } = props;
  if (!info.membershipEnded) return null;
  const line = membershipEndedText(info.membershipEnded, (id) => senderName(info, id));
  return (
    <p
      className="px-6 py-1.5 text-center text-xs text-fg-muted"
      data-system=""
      data-testid="membership-ended"
    >
      {line} · {formatTime(info.membershipEnded.at, { dateStyle: 'medium', timeStyle: 'short' })}
    </p>
  );
}
