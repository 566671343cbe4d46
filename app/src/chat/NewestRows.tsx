import { useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type Ref } from 'react';
import { takeoverPoint, type TakeoverPoint } from './list-takeover.ts';
import { Row, type RowContext } from './MessageRow.tsx';
import type { ChatRow } from './rows.ts';

/**
 * Rows laid out above the view: Virtuoso's own margin above (`increaseViewportBy.top`), so every
 * row it renders around the view after a takeover has a height laid out here.
 */
export const MARGIN_ABOVE = 600;
/** Less than the shortest row (a message in a run, a day separator: ~40 px): how many rows fill the view. */
const ROW_AT_LEAST = 32;
/** Within this many pixels of the newest row the view counts as at the bottom (as Virtuoso's `atBottomThreshold`). */
export const AT_BOTTOM_PX = 64;

export interface NewestRowsHandle {
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
export function NewestRows({
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

export function OlderHeader() {
  return <p className="py-3 text-center text-xs text-fg-muted">Loading older messages…</p>;
}

export function StartHeader() {
  return <p className="py-3 text-center text-xs text-fg-muted">This is the beginning of the conversation.</p>;
}
