import { memo, startTransition, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import { activityAt, previewLine, type ConversationRow } from '../session/index.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { listTime } from '../ui/format-time.ts';
import { OfflineBanner } from './OfflineBanner.tsx';
import { useConversations } from './use-conversations.ts';
import { useMinuteClock } from './use-minute-clock.ts';
import { MutedMark } from '../notifications/MuteToggle.tsx';
import { PendingRenameMark, usePendingRename } from './pending-rename.tsx';

function PendingMarker() {
  return (
    <span title="Waiting to be sent" data-testid="pending-marker" className="shrink-0 text-fg-muted">
      <svg
        viewBox="0 0 24 24"
        width="14"
        height="14"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        aria-hidden="true"
      >
        <circle cx="12" cy="12" r="9" />
        <path d="M12 7v5l3 2" strokeLinecap="round" />
      </svg>
      <span className="sr-only">Waiting to be sent</span>
    </span>
  );
}

/** One row; memoized, so a change to one conversation re-renders only its row. */
const Row = memo(function Row(props: {
  row: ConversationRow;
  now: number;
  selected: boolean;
  onSelect: (id: string) => void;
}) {
  const session = useDeviceSession();
  // Names in previews follow profile changes.
  useStore(session.profiles);
  const { row } = props;
  const renamed = usePendingRename(row.id);
  const preview = previewLine(row, session.userId, session.nameOf);
  const unread = row.local?.unread ?? 0;
  const pending = (row.local?.pending ?? 0) > 0;
  const second = !row.canWrite
    ? 'Read only'
    : preview
      ? preview.author
        ? `${preview.author}: ${preview.text}`
        : preview.text
      : row.kind === 'group'
        ? 'Group created'
        : 'Say hello';
  return (
    <button
      type="button"
      onClick={() => props.onSelect(row.id)}
      aria-current={props.selected ? 'true' : undefined}
      data-conversation-id={row.id}
      className={`flex w-full items-center gap-3 rounded-xl px-2 py-2 text-left transition-colors ${
        props.selected ? 'bg-raised' : 'hover:bg-surface'
      }`}
    >
      <Avatar id={row.peer?.id ?? row.id} name={row.name} picture={row.picture} />
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline justify-between gap-2">
          <span className={`truncate ${unread > 0 ? 'font-bold' : 'font-semibold'}`}>
            <span data-testid="conversation-name">{renamed?.name ?? row.name}</span>
            {renamed && <PendingRenameMark />}
            {row.kind === 'group' && (
              <span className="ml-1 font-normal text-fg-muted" aria-label={`${row.memberCount} members`}>
                ({row.memberCount})
              </span>
            )}
          </span>
          <time
            className="shrink-0 text-xs text-fg-muted"
            dateTime={new Date(activityAt(row)).toISOString()}
            data-testid="conversation-time"
          >
            {listTime(activityAt(row), props.now)}
          </time>
        </span>
        <span className="flex items-center gap-2">
          <span
            className={`min-w-0 flex-1 truncate text-sm ${unread > 0 ? 'text-fg' : 'text-fg-muted'}`}
            data-testid="conversation-preview"
            dir="auto"
          >
            {second}
          </span>
          <MutedMark conversationId={row.id} />
          {pending && <PendingMarker />}
          {unread > 0 && (
            <span
              data-testid="unread-badge"
              className="shrink-0 rounded-full bg-accent px-2 py-0.5 text-xs font-semibold text-on-accent"
            >
              {unread > 999 ? '999+' : unread}
              <span className="sr-only"> unread</span>
            </span>
          )}
        </span>
      </span>
    </button>
  );
});

/**
 * The left-hand list: avatar, name (with member count for groups), last message, time, unread
 * badge and a marker for what still waits to be sent; latest activity first, filtered by name.
 * It paints from the device's index (offline too) and follows the documents live.
 */
export function ConversationList(props: {
  filter: string;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { rows, ready } = useConversations(props.filter);
  const now = useMinuteClock();
  // One stable handler for every row (the caller's changes each render), so memoized rows stay put.
  const onSelectRef = useRef(props.onSelect);
  useLayoutEffect(() => {
    onSelectRef.current = props.onSelect;
  });
  const onSelect = useCallback((id: string) => onSelectRef.current(id), []);
  return (
    <>
      <OfflineBanner />
      {!ready ? null : rows.length === 0 ? (
        <p className="px-3 py-6 text-sm text-fg-muted">
          {props.filter.trim()
            ? `No conversation is named like “${props.filter.trim()}”.`
            : 'No conversations yet. Add a friend or create a group to start one.'}
        </p>
      ) : (
        <Rows rows={rows} now={now} selectedId={props.selectedId} onSelect={onSelect} />
      )}
    </>
  );
}

/** A row's height (avatar and padding): the first pass renders what a screen this tall shows. */
const ROW_PX = 60;

/**
 * The rows, latest activity first. The first render (when the list appears) makes only the rows
 * a screen shows, so the first paint costs the same for 10 conversations as for 1,000; the rest
 * follow in a background render (a transition) once that frame is painted.
 */
function Rows(props: {
  rows: readonly ConversationRow[];
  now: number;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const firstScreen = Math.ceil(window.innerHeight / ROW_PX) + 2;
  const [whole, setWhole] = useState(false);
  useEffect(() => {
    if (whole) return;
    // The frame with the first screen is painted first (an animation frame comes just before
    // the paint, a task after it); rendering the rest at once would hold that frame back.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setWhole(true)), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [whole]);
  const shown = whole || props.rows.length <= firstScreen ? props.rows : props.rows.slice(0, firstScreen);
  return (
    <ul aria-label="Conversations" className="flex flex-col gap-1">
      {shown.map((row) => (
        // Rows out of view skip style, layout and paint until scrolled to (60 px: avatar and
        // padding), so a long list costs little once it is all there.
        <li key={row.id} className="[contain-intrinsic-size:auto_60px] [content-visibility:auto]">
          <Row row={row} now={props.now} selected={row.id === props.selectedId} onSelect={props.onSelect} />
        </li>
      ))}
    </ul>
  );
}
