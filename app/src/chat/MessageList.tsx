import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type Ref,
} from 'react';
import type { IndexLocationWithAlign, VirtuosoHandle } from 'react-virtuoso';
import { router } from '../app/router.ts';
import { useStore } from '../lib/use-store.ts';
import type { ChatState, ConversationModel } from './conversation-model.ts';
import { conversationPictures, pictureKey } from './conversation-pictures.ts';
import { handOver } from './list-handoff.ts';
import { DEFAULT_ROW_HEIGHT, takeoverPoint, type TakeoverPoint } from './list-takeover.ts';
import { Row, type RowContext } from './MessageRow.tsx';
import { PictureViewer } from './PictureViewer.tsx';
import { lastOwnIndex } from './receipts.ts';
import { buildRows, prependedCount, rowIndexOf, type ChatRow } from './rows.ts';
import { useVirtuoso } from './virtuoso-loader.ts';

/** Virtuoso's item indexes start here and go down as older history is prepended (it must stay positive). */
const FIRST_INDEX = 1_000_000_000;
/** Looking for a replied-to message loads at most this many older segments. */
const MAX_SEGMENTS_TO_FIND = 20;
/** How long the list takes to reach its opening position before older history may load. */
const OPEN_SETTLE_MS = 400;
/** Away from the newest messages this long without the person's input, "Jump to latest" is offered. */
const OFFER_JUMP_AFTER_MS = 3000;
/** While the top is in view and older history exists, how often the list asks for it again. */
const ASK_OLDER_AGAIN_MS = 1000;

/** Going back through pictures loads at most this many older segments looking for an older one. */
const MAX_SEGMENTS_FOR_PICTURE = 20;

export type ListContext = Omit<
  RowContext,
  'byId' | 'readers' | 'lastOwn' | 'highlighted' | 'onJumpTo' | 'onOpenPicture'
>;

/** Where the virtualized list opens, and the heights it starts from (a takeover from the plain rows). */
interface VirtualStart {
  initial: IndexLocationWithAlign;
  heights?: number[] | undefined;
  /** Taken over from the plain rows: they stay over it until it has placed its rows (`handOver`). */
  handOver?: { keepPlace: boolean } | undefined;
}

/**
 * The conversation's history: opens at the "New messages" divider or at the newest message,
 * loads older segments when scrolled to the top without moving what is on screen, follows new
 * messages while at the bottom, offers "Jump to latest" otherwise, and marks the conversation
 * read while its newest messages are on screen in a focused window. Opened at the newest message,
 * it is the plain newest rows (`NewestRows`: nothing measured before the first paint) until the
 * person scrolls up or goes to a message; then react-virtuoso takes over where the view is (its
 * code fetched right behind the first paint: `virtuoso-loader.ts`).
 */
export function MessageList(props: {
  model: ConversationModel;
  state: ChatState;
  unreadFromId: string | undefined;
  context: ListContext;
  /** Called once the list has rendered its first rows (what stands in for it may go). */
  onShown?: () => void;
}) {
  const { model, state, context } = props;
  const { meId } = context;
  const virtuoso = useRef<VirtuosoHandle>(null);
  const rows = useMemo(
    () => buildRows(state.messages, { meId, unreadFromId: props.unreadFromId }),
    [state.messages, meId, props.unreadFromId],
  );
  // Prepending older history moves Virtuoso's first index down by as many rows: the view stays put.
  const [shown, setShown] = useState<{ rows: ChatRow[]; first: number }>({ rows, first: FIRST_INDEX });
  let first = shown.first;
  if (shown.rows !== rows) {
    first = shown.first - prependedCount(shown.rows, rows);
    setShown({ rows, first });
  }
  const [initial] = useState(() => {
    const unread = rows.findIndex((r) => r.kind === 'unread');
    // The row above the divider stays in view: the last message read, for context.
    return unread >= 0
      ? { index: Math.max(0, unread - 1), align: 'start' as const }
      : { index: Math.max(0, rows.length - 1), align: 'end' as const };
  });
  // At the divider the virtualized list opens at once (it places the divider); at the newest
  // message the plain rows paint first and it takes over only when needed.
  const [virtual, setVirtual] = useState<VirtualStart | null>(() =>
    initial.align === 'start' ? { initial } : null,
  );
  // The virtualized list shows once its code is here. Until then the plain rows stay (a takeover
  // or a jump waits for it), except at the divider, where the preview over the list stays instead
  // of the newest rows showing first; should the code not load, the plain rows show there too.
  const { Virtuoso, failed: virtuosoFailed } = useVirtuoso(virtual !== null);
  const listReady = virtual !== null && Virtuoso !== undefined;
  const newestRows = useRef<NewestRowsHandle>(null);
  const plainBox = useRef<HTMLDivElement>(null);
  const virtualScroller = useRef<HTMLElement | null>(null);
  const takeOver = useCallback((point: TakeoverPoint) => {
    setVirtual(
      (v) =>
        v ?? {
          initial: { index: point.index, align: 'start', offset: point.offset },
          heights: point.heights,
          handOver: { keepPlace: true },
        },
    );
  }, []);
  const [handedOver, setHandedOver] = useState(false);
  const handing = listReady && virtual.handOver !== undefined && !handedOver;
  const plainShown = listReady
    ? handing
    : virtual === null || virtual.handOver !== undefined || virtuosoFailed;
  const keepPlace = virtual?.handOver?.keepPlace ?? false;
  useEffect(() => {
    if (!handing) return;
    return handOver({
      plain: () => plainBox.current,
      list: () => virtualScroller.current,
      keepPlace,
      reveal: () => {
        // Lifted in the frame the list was placed in; unmounted with the next render.
        const plain = plainBox.current;
        // Keyboard scrolling goes on in the list that took over (focus would fall to the page).
        if (plain?.contains(document.activeElement)) virtualScroller.current?.focus({ preventScroll: true });
        plain?.style.setProperty('visibility', 'hidden');
        setHandedOver(true);
      },
    });
  }, [handing, keepPlace]);
  // Opened at the divider, the list is not at the newest message, whatever Virtuoso has not yet
  // measured: taken as "at the bottom" while it scrolls there, the conversation was marked read up
  // to messages the person had not seen (and "Seen" sent for them).
  const [atBottom, setAtBottom] = useState(() => initial.align === 'end');
  // "Jump to latest" is for a person away from the newest messages: they moved (scroll wheel, key,
  // touch, the scrollbar) or went to a message. The list itself leaves the bottom for a moment while
  // it places rows (a fresh device's history, a long message, an opening at the unread divider
  // whose rows turn out to fit) until following them or measuring brings it back; offered then, the
  // button flashed at every start (6 frames over 0.3 s on a loaded machine, 0.6 s in Lighthouse's
  // trace: issue 16). Away with no input (a screen reader's cursor, find in page, an opening whose
  // unread rows do not fit) it is offered after a while.
  const [offerJump, setOfferJump] = useState(false);
  const moved = useCallback(() => setOfferJump(true), []);
  useEffect(() => {
    if (atBottom) return;
    const timer = setTimeout(() => setOfferJump(true), OFFER_JUMP_AFTER_MS);
    return () => clearTimeout(timer);
  }, [atBottom]);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const loadingOlder = useRef(false);
  // Older history waits until the opening position has settled: a segment prepended while
  // Virtuoso is still scrolling to the divider would land the view elsewhere.
  const [armed, setArmed] = useState(false);
  const topInView = useRef(false);
  // (Counted from when the virtualized list mounts: at the start, or when it takes over.)
  useEffect(() => {
    if (!listReady) return;
    const timer = setTimeout(() => setArmed(true), OPEN_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [listReady]);

  const loadOlder = useCallback(async () => {
    if (loadingOlder.current || !state.hasOlder) return;
    loadingOlder.current = true;
    try {
      await model.loadOlder();
    } finally {
      loadingOlder.current = false;
    }
  }, [model, state.hasOlder]);
  useEffect(() => {
    if (armed && topInView.current) void loadOlder();
  }, [armed, loadOlder]);
  // Held at the top with older history to come, ask again: Virtuoso reports reaching the top once,
  // and a load that came back before the older segment arrived would leave the person there with
  // nothing more (seen in CI under load: a single scroll to the top, no older message in 20 s).
  useEffect(() => {
    if (!armed || !state.hasOlder) return;
    const timer = setInterval(() => {
      if (topInView.current) void loadOlder();
    }, ASK_OLDER_AGAIN_MS);
    return () => clearInterval(timer);
  }, [armed, state.hasOlder, loadOlder]);

  // Read while the newest messages are on screen in a focused, visible window; again once the read
  // position is known (nothing is marked read before it is: ConversationModel.markRead).
  const canWrite = context.info.canWrite;
  useEffect(() => {
    if (!atBottom) return;
    const mark = () => {
      if (document.visibilityState === 'visible' && document.hasFocus()) model.markRead(canWrite);
    };
    mark();
    window.addEventListener('focus', mark);
    document.addEventListener('visibilitychange', mark);
    return () => {
      window.removeEventListener('focus', mark);
      document.removeEventListener('visibilitychange', mark);
    };
  }, [atBottom, state.messages, state.readKnown, model, canWrite]);

  // What I send shows at the bottom, wherever I had scrolled to.
  const newest = state.messages.at(-1);
  const newestOwnPending = newest?.author === meId && newest.pending ? newest.id : undefined;
  useEffect(() => {
    if (newestOwnPending === undefined) return;
    newestRows.current?.toNewest(false);
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
  }, [newestOwnPending]);

  const messages = state.messages;
  const rowsRef = useRef(rows);
  useEffect(() => {
    rowsRef.current = rows;
  }, [rows]);
  const hasOlderRef = useRef(state.hasOlder);
  useEffect(() => {
    hasOlderRef.current = state.hasOlder;
  }, [state.hasOlder]);

  const jumpTo = useCallback(
    async (messageId: string, found?: { hold: boolean }) => {
      // A search result is on the device, however old: its segments load until it shows.
      const most = found ? Number.POSITIVE_INFINITY : MAX_SEGMENTS_TO_FIND;
      for (let i = 0; rowIndexOf(rowsRef.current, messageId) < 0 && hasOlderRef.current && i < most; i++) {
        await model.loadOlder();
        // Let the new state render before looking again.
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      const index = rowIndexOf(rowsRef.current, messageId);
      if (index < 0) return;
      setOfferJump(true);
      // From the plain rows, the virtualized list opens at the message (with the heights laid out).
      const plain = newestRows.current;
      if (plain) {
        const { heights } = plain.takeover();
        setVirtual(
          (v) => v ?? { initial: { index, align: 'center' }, heights, handOver: { keepPlace: false } },
        );
      } else virtuoso.current?.scrollToIndex({ index, align: 'center' });
      setHighlighted(messageId);
      // A message opened from search stays marked: the person came for it.
      if (!found?.hold) setTimeout(() => setHighlighted((h) => (h === messageId ? null : h)), 2000);
    },
    [model],
  );

  // Opened at a message (a search result): scrolled to and marked, again for each new result.
  const route = useStore(router.route);
  const openAt = route.view === 'conversation' ? route.messageId : undefined;
  useEffect(() => {
    if (openAt !== undefined) void jumpTo(openAt, { hold: true });
  }, [openAt, jumpTo]);

  // The picture viewer goes through the whole conversation's pictures, newest last.
  const pictures = useMemo(() => conversationPictures(messages), [messages]);
  const [viewing, setViewing] = useState<string | null>(null);
  const openPicture = useCallback((messageId: string, blob: string) => {
    setViewing(pictureKey(messageId, blob));
  }, []);
  const loadOlderPicture = useCallback(async () => {
    const loaded = () => conversationPictures(model.state.get().messages);
    const oldest = loaded()[0]?.key;
    for (let i = 0; i < MAX_SEGMENTS_FOR_PICTURE && hasOlderRef.current; i++) {
      await model.loadOlder();
      // Let the new state render before looking again.
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (loaded()[0]?.key !== oldest) break;
    }
    return loaded();
  }, [model]);

  const rowContext: RowContext = useMemo(
    () => ({
      ...context,
      byId: new Map(messages.map((m) => [m.id, m])),
      readers: state.readers,
      lastOwn: lastOwnIndex(messages, meId),
      highlighted,
      onJumpTo: (id: string) => void jumpTo(id),
      onOpenPicture: openPicture,
    }),
    [context, messages, state.readers, meId, highlighted, jumpTo, openPicture],
  );

  return (
    <section
      className="relative min-h-0 flex-1"
      aria-label="Messages"
      onWheel={moved}
      onTouchMove={moved}
      onKeyDown={moved}
      onPointerDown={moved}
    >
      {plainShown && (
        // In the same place of the tree while handing over (over the list, on top): not mounted
        // again, so its scroll position holds.
        <div ref={plainBox} className={listReady ? 'absolute inset-0 z-10 bg-canvas' : 'h-full'}>
          <NewestRows
            ref={newestRows}
            rows={rows}
            ctx={rowContext}
            hasOlder={state.hasOlder}
            onAtBottom={setAtBottom}
            onLeave={takeOver}
            onShown={props.onShown}
          />
        </div>
      )}
      {listReady && (
        <Virtuoso<ChatRow, RowContext>
          ref={virtuoso}
          scrollerRef={(element) => {
            virtualScroller.current = element instanceof HTMLElement ? element : null;
          }}
          className="h-full"
          data={rows}
          context={rowContext}
          firstItemIndex={first}
          initialTopMostItemIndex={virtual.initial}
          // Read once, when it mounts: the heights the plain rows had laid out.
          // (Without defaultItemHeight then: given first, it fills Virtuoso's size tree and the estimates are ignored.)
          {...(virtual.heights?.length === rows.length
            ? { heightEstimates: virtual.heights }
            : { defaultItemHeight: DEFAULT_ROW_HEIGHT })}
          computeItemKey={(_, row) => row.key}
          itemContent={(index, row, ctx) => (
            // The room under the newest row is its own, not a Footer's: Virtuoso shows its header and
            // footer while it still hides the rows it places, and the footer moving as the rows got
            // their heights was a layout shift of every fresh start (Lighthouse, issue 16). The same
            // wrapper on every row: a row that stops being the newest keeps its state.
            <div data-row-key={row.key} className={index === first + rows.length - 1 ? 'pb-2' : undefined}>
              <Row row={row} ctx={ctx} />
            </div>
          )}
          startReached={() => {
            topInView.current = true;
            if (armed) void loadOlder();
          }}
          rangeChanged={(range) => {
            topInView.current = range.startIndex <= first;
          }}
          followOutput={(bottom) => (bottom ? 'auto' : false)}
          atBottomStateChange={(bottom) => {
            setAtBottom(bottom);
            // Back at the newest: leaving again takes the person's doing (or the while) again.
            if (bottom) setOfferJump(false);
          }}
          itemsRendered={(items) => {
            if (items.length > 0) props.onShown?.();
          }}
          atBottomThreshold={AT_BOTTOM_PX}
          increaseViewportBy={{ top: MARGIN_ABOVE, bottom: 300 }}
          alignToBottom
          components={{ Header: state.hasOlder ? OlderHeader : StartHeader }}
          data-testid="message-list"
        />
      )}
      {!atBottom && offerJump && (
        <button
          type="button"
          data-testid="jump-to-latest"
          onClick={() => {
            newestRows.current?.toNewest(true);
            virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'smooth' });
          }}
          className="absolute right-4 bottom-3 rounded-full bg-accent px-4 py-2 text-sm font-medium text-on-accent shadow-lg hover:bg-accent-strong focus-visible:ring-2 focus-visible:ring-focus"
        >
          Jump to latest ↓
        </button>
      )}
      {viewing !== null && (
        <PictureViewer
          meId={meId}
          pictures={pictures}
          start={viewing}
          hasOlder={state.hasOlder}
          loadOlder={loadOlderPicture}
          onClose={() => setViewing(null)}
        />
      )}
    </section>
  );
}

// ---- the newest rows, plain ------------------------------------------------------------------

/**
 * Rows laid out above the view: Virtuoso's own margin above (`increaseViewportBy.top`), so every
 * row it renders around the view after a takeover has a height laid out here.
 */
const MARGIN_ABOVE = 600;
/** Less than the shortest row (a message in a run, a day separator: ~40 px): how many rows fill the view. */
const ROW_AT_LEAST = 32;
/** Within this many pixels of the newest row the view counts as at the bottom (as Virtuoso's `atBottomThreshold`). */
const AT_BOTTOM_PX = 64;

interface NewestRowsHandle {
  /** Brings the newest row into view. */
  toNewest(smooth: boolean): void;
  /** Where the virtualized list takes over without the view moving. */
  takeover(): TakeoverPoint;
}

/**
 * The newest rows of the open conversation as plain elements at the bottom of the pane, in order:
 * no virtualizer, no measuring pass (issue 15). The column is reversed, so the view starts at the
 * newest row, stays there as rows arrive below, and rows added above (older history, a fresh
 * device's messages) do not move it. What fills the view plus `MARGIN_ABOVE` is rendered; the
 * virtualized list takes over (`onLeave`) as soon as the person scrolls towards rows that are not
 * rendered (or when what is rendered cannot fill the view and older history exists), at the row
 * on top of the view and with the heights laid out here.
 */
function NewestRows({
  ref,
  ...props
}: {
  rows: readonly ChatRow[];
  ctx: RowContext;
  hasOlder: boolean;
  onAtBottom: (bottom: boolean) => void;
  onLeave: (point: TakeoverPoint) => void;
  onShown?: (() => void) | undefined;
  ref?: Ref<NewestRowsHandle>;
}) {
  const { rows, ctx, hasOlder, onAtBottom, onLeave, onShown } = props;
  const scroller = useRef<HTMLDivElement>(null);
  // The window's height bounds the pane's: enough rows for the view and the margin above it.
  const [count] = useState(() => Math.ceil((window.innerHeight + MARGIN_ABOVE) / ROW_AT_LEAST));
  const from = Math.max(0, rows.length - count);
  const complete = from === 0 && !hasOlder;

  const point = (): TakeoverPoint => {
    const element = scroller.current!;
    const rendered = Array.from(element.querySelectorAll<HTMLElement>('[data-row-key]'));
    return takeoverPoint(rendered, from, rows.length, element.getBoundingClientRect().top);
  };
  const pointRef = useRef(point);
  useLayoutEffect(() => {
    pointRef.current = point;
  });
  useImperativeHandle(
    ref,
    () => ({
      toNewest: (smooth) => scroller.current?.scrollTo({ top: 0, behavior: smooth ? 'smooth' : 'auto' }),
      takeover: () => pointRef.current(),
    }),
    [],
  );

  // Not filling the view and its margin while there is more (rows shorter than guessed, or a newest
  // segment of a few messages): the virtualized list, which loads older history at the top. Read
  // after the commit, in the layout the paint needs anyway.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || complete || element.scrollHeight >= element.clientHeight + MARGIN_ABOVE) return;
    onLeave(pointRef.current());
  }, [complete, rows.length, onLeave]);

  const shown = rows.length > 0;
  useEffect(() => {
    if (shown) onShown?.();
  }, [shown, onShown]);

  const onScroll = (): void => {
    const element = scroller.current;
    if (!element) return;
    // Reversed: 0 at the newest row, negative above it.
    const below = -element.scrollTop;
    onAtBottom(below <= AT_BOTTOM_PX);
    if (below > 0 && !complete) onLeave(pointRef.current());
  };

  return (
    <div
      ref={scroller}
      className="flex h-full flex-col-reverse overflow-y-auto"
      // Scrollable, so reachable by keyboard (as Virtuoso's scroller is).
      tabIndex={0}
      onScroll={onScroll}
      data-testid="message-list"
      data-newest-rows=""
    >
      <div>
        {complete && <StartHeader />}
        {rows.slice(from).map((row, i, shownRows) => (
          // The same wrapper as the virtualized list's rows: the same heights when it takes over.
          <div
            key={row.key}
            data-row-key={row.key}
            className={i === shownRows.length - 1 ? 'pb-2' : undefined}
          >
            <Row row={row} ctx={ctx} />
          </div>
        ))}
      </div>
    </div>
  );
}

function OlderHeader() {
  return <p className="py-3 text-center text-xs text-fg-muted">Loading older messages…</p>;
}

function StartHeader() {
  return <p className="py-3 text-center text-xs text-fg-muted">This is the beginning of the conversation.</p>;
}
