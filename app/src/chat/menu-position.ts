/** A rectangle on screen, in CSS pixels from the viewport's top left (as getBoundingClientRect gives). */
export interface ScreenRect {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Space kept between a menu and the window's edge, and between the menu and its button. */
export const EDGE_GAP = 8;
const BUTTON_GAP = 4;

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(value, max));

/**
 * Where a menu of `size` opened from `anchor` goes so it is whole and inside the viewport: below
 * the button, or above it when there is no room below; lined up with the button's start (or end,
 * for `alignEnd`), flipped to the other side when it would stick out; then clamped to the window.
 * A menu taller than the window starts at its top (the menu scrolls itself).
 */
export function placeMenu(
  anchor: ScreenRect,
  size: { width: number; height: number },
  viewport: { width: number; height: number },
  alignEnd: boolean,
): { top: number; left: number } {
  const below = anchor.bottom + BUTTON_GAP;
  const above = anchor.top - BUTTON_GAP - size.height;
  let top: number;
  if (below + size.height <= viewport.height - EDGE_GAP) top = below;
  else if (above >= EDGE_GAP) top = above;
  // Fits neither way: take the side with more room, then clamp.
  else top = viewport.height - anchor.bottom > anchor.top ? below : above;
  top = clamp(top, EDGE_GAP, viewport.height - EDGE_GAP - size.height);
  top = Math.max(top, EDGE_GAP);

  const fromStart = anchor.left;
  const fromEnd = anchor.right - size.width;
  const fits = (left: number) => left >= EDGE_GAP && left + size.width <= viewport.width - EDGE_GAP;
  let left = alignEnd ? fromEnd : fromStart;
  if (!fits(left) && fits(alignEnd ? fromStart : fromEnd)) left = alignEnd ? fromStart : fromEnd;
  left = clamp(left, EDGE_GAP, viewport.width - EDGE_GAP - size.width);
  left = Math.max(left, EDGE_GAP);
  return { top, left };
}
