/**
 * After a change of screen, a keyboard or screen-reader user whose focused element has just
 * disappeared (the list's button on a phone, the back button) would be left at the top of the
 * document. Give focus to the new screen's level-1 heading instead, or to the pane itself.
 * Focus that is still on something visible (the navigation on a wide screen) stays put.
 */
export function focusScreenIfLost(pane: HTMLElement | null): void {
  const active = document.activeElement;
  const lost = !(active instanceof HTMLElement) || active === document.body || !active.checkVisibility();
  if (!lost) return;
  const heading = Array.from(document.querySelectorAll<HTMLElement>('h1')).find((h) => h.checkVisibility());
  const target = heading ?? (pane?.checkVisibility() ? pane : null);
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
  target.focus({ preventScroll: true });
}
