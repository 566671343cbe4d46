/** The plain rows stay over the virtualized list at most this many frames while it places its rows. */
const AT_MOST_FRAMES = 90;

/** The row on top of a scroller's view: its key (`data-row-key`) and where its top is on screen. */
export function topRow(scroller: Element): { key: string; top: number } | null {
  const viewTop = scroller.getBoundingClientRect().top;
  for (const row of scroller.querySelectorAll<HTMLElement>('[data-row-key]')) {
    const box = row.getBoundingClientRect();
    if (box.bottom > viewTop) return { key: row.dataset.rowKey ?? '', top: box.top };
  }
  return null;
}

/**
 * Hands the view from the plain rows (`NewestRows`, kept over the virtualized list meanwhile) to
 * the virtualized list: every frame, until the row on top of the plain view is shown in the
 * virtualized list and has stayed where it is for a frame (react-virtuoso has placed its rows), then scrolls the
 * virtualized list by what is left between the two (its sizes are whole pixels, the rows' are not:
 * a few pixels over a screen of rows) and lifts the plain rows (`reveal`), in the same frame. With
 * `keepPlace` false (going to a message) it only waits for the list to stand still. Returns a
 * cancel.
 */
export function handOver(parts: {
  plain: () => Element | null;
  list: () => HTMLElement | null;
  keepPlace: boolean;
  reveal: () => void;
}): () => void {
  let frames = 0;
  let last: { key: string; top: number } | null = null;
  let id = requestAnimationFrame(step);
  function step(): void {
    frames++;
    const plain = parts.plain();
    const list = parts.list();
    if (!plain || !list || frames >= AT_MOST_FRAMES) return parts.reveal();
    const anchor = parts.keepPlace ? topRow(plain) : null;
    const twin = anchor
      ? list.querySelector(`[data-row-key="${CSS.escape(anchor.key)}"]`)
      : list.querySelector('[data-row-key]');
    // Virtuoso keeps its rows hidden until it has reached its first position.
    if (twin && getComputedStyle(twin).visibility !== 'hidden') {
      const now = { key: anchor?.key ?? '', top: twin.getBoundingClientRect().top };
      if (last && last.key === now.key && Math.abs(last.top - now.top) < 0.5) {
        if (anchor) list.scrollTop += now.top - anchor.top;
        return parts.reveal();
      }
      last = now;
    }
    id = requestAnimationFrame(step);
  }
  return () => cancelAnimationFrame(id);
}
