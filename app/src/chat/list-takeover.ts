/**
 * Where the virtualized list takes over from the plain newest rows (`NewestRows`) without the view
 * moving: the row at the top of the view and how much of it is hidden above, plus the height of
 * every row the plain rows have laid out. Virtuoso is then mounted at that row with those heights
 * as its estimates, so it places the rows where they already were instead of measuring first.
 */
export interface TakeoverPoint {
  /** Index in the list's rows of the row at the top of the view. */
  index: number;
  /** Pixels of that row above the view's top edge (Virtuoso's `offset` for `align: 'start'`). */
  offset: number;
  /**
   * A height for every row: the laid-out one where the plain rows have one, else an average; in
   * whole pixels, as react-virtuoso measures them, so that its first measurements match and it
   * does not place the rows again.
   */
  heights: number[];
}

/** The estimate for rows never laid out, when no row was (Virtuoso's `defaultItemHeight`). */
export const DEFAULT_ROW_HEIGHT = 40;

/**
 * Reads the takeover point from the plain rows' elements: `rendered[i]` is the element of row
 * `firstRendered + i` of `total` rows; `viewTop` is the scroller's top edge on screen. One read of
 * a layout the browser already made (the rows are on screen): no measuring pass of its own.
 */
export function takeoverPoint(
  rendered: readonly { getBoundingClientRect(): { top: number; bottom: number; height: number } }[],
  firstRendered: number,
  total: number,
  viewTop: number,
): TakeoverPoint {
  const boxes = rendered.map((element) => element.getBoundingClientRect());
  const measured = boxes.map((box) => Math.round(box.height));
  const average =
    measured.length > 0 ? measured.reduce((sum, h) => sum + h, 0) / measured.length : DEFAULT_ROW_HEIGHT;
  const heights = Array.from({ length: total }, (_, i) => {
    const own = measured[i - firstRendered];
    return own !== undefined ? own : Math.round(average);
  });
  const top = boxes.findIndex((box) => box.bottom > viewTop);
  if (top < 0) return { index: Math.max(0, total - 1), offset: 0, heights };
  return { index: firstRendered + top, offset: Math.max(0, viewTop - boxes[top]!.top), heights };
}
