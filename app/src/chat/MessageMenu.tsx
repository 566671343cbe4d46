import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { EDGE_GAP, placeMenu } from './menu-position.ts';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export interface MenuAction {
  label: string;
  run: () => void;
}

/**
 * A message's actions behind one button: quick reactions, then reply / edit / delete. A menu in
 * the ARIA sense: Left/Right move along the reactions, Up/Down between the reactions and the
 * actions, Escape closes and gives focus back to the button.
 *
 * The menu is rendered into document.body with fixed coordinates: inside the message list it
 * would be cut off by the list's scroll area (the newest messages) and by the window's edge on a
 * phone. It is placed from the button's position, and follows it when the list scrolls.
 */
export function MessageMenu(props: {
  label: string;
  reactions: { emoji: string; mine: boolean; toggle: () => void }[];
  actions: MenuAction[];
  alignEnd: boolean;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  /** The reaction last focused, so Up/Down come back to the same column. */
  const reactionColumn = useRef(0);
  const { alignEnd } = props;

  // Placed before paint (no flash at 0,0), and again whenever the page scrolls or resizes.
  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      const el = menu.current;
      const anchor = button.current?.getBoundingClientRect();
      if (!el || !anchor) return;
      const viewport = { width: window.innerWidth, height: window.innerHeight };
      // A button scrolled out of sight takes its menu with it.
      if (anchor.bottom < 0 || anchor.top > viewport.height) {
        setOpen(false);
        return;
      }
      const { top, left } = placeMenu(anchor, el.getBoundingClientRect(), viewport, alignEnd);
      el.style.top = `${top}px`;
      el.style.left = `${left}px`;
    };
    place();
    window.addEventListener('resize', place);
    // Capture: the list's own scroller does not bubble its scroll events to window.
    document.addEventListener('scroll', place, { capture: true, passive: true });
    return () => {
      window.removeEventListener('resize', place);
      document.removeEventListener('scroll', place, { capture: true });
    };
  }, [open, alignEnd]);

  useEffect(() => {
    if (!open) return;
    reactionColumn.current = 0;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node))
        setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const root = menu.current;
    if (!root) return;
    const reactions = [...root.querySelectorAll<HTMLElement>('[data-reaction]')];
    const actions = [...root.querySelectorAll<HTMLElement>('[data-action]')];
    const all = [...reactions, ...actions];
    const focused = document.activeElement as HTMLElement;
    const inReactions = reactions.indexOf(focused);
    // The reactions are one row of the menu; each action is a row of its own.
    const rows: HTMLElement[] = [
      ...(reactions.length > 0 ? [reactions[Math.min(reactionColumn.current, reactions.length - 1)]!] : []),
      ...actions,
    ];
    const row = inReactions >= 0 ? 0 : rows.indexOf(focused);
    const focus = (el: HTMLElement | undefined) => {
      event.preventDefault();
      const column = reactions.indexOf(el as HTMLElement);
      if (column >= 0) reactionColumn.current = column;
      el?.focus();
    };
    const wrap = <T,>(list: T[], at: number) => list[(at + list.length) % list.length];
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      if (inReactions < 0) return;
      focus(wrap(reactions, inReactions + (event.key === 'ArrowRight' ? 1 : -1)));
    } else if (event.key === 'ArrowDown') focus(wrap(rows, row + 1));
    else if (event.key === 'ArrowUp') focus(wrap(rows, row < 0 ? -1 : row - 1));
    else if (event.key === 'Home') focus(all[0]);
    else if (event.key === 'End') focus(all.at(-1));
    else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') close(false);
  };

  const item =
    'rounded-md px-3 py-1.5 text-left text-sm text-fg outline-none hover:bg-raised focus-visible:bg-raised focus-visible:ring-2 focus-visible:ring-focus';
  return (
    <div className="relative">
      <button
        ref={button}
        type="button"
        aria-label={props.label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        className="rounded-full px-2 py-0.5 text-lg leading-none text-fg-muted opacity-0 group-hover:opacity-100 [@media(hover:none)]:opacity-100 group-focus-within:opacity-100 hover:bg-raised focus-visible:opacity-100 focus-visible:ring-2 focus-visible:ring-focus aria-expanded:opacity-100"
      >
        ⋯
      </button>
      {open &&
        createPortal(
          <div
            ref={menu}
            role="menu"
            aria-label={props.label}
            onKeyDown={onKeyDown}
            style={{ top: 0, left: 0, maxHeight: `calc(100dvh - ${2 * EDGE_GAP}px)` }}
            className="fixed z-50 flex w-56 max-w-[calc(100vw-1rem)] flex-col gap-1 overflow-y-auto rounded-xl border border-line bg-surface p-2 shadow-lg"
          >
            {props.reactions.length > 0 && (
              <div className="flex justify-between" role="group" aria-label="React">
                {props.reactions.map((r) => (
                  <button
                    key={r.emoji}
                    type="button"
                    role="menuitem"
                    data-reaction=""
                    aria-label={r.mine ? `Remove reaction ${r.emoji}` : `React with ${r.emoji}`}
                    onClick={() => {
                      r.toggle();
                      close(true);
                    }}
                    className={`rounded-md px-1.5 py-1 text-xl outline-none hover:bg-raised focus-visible:ring-2 focus-visible:ring-focus ${r.mine ? 'bg-raised' : ''}`}
                  >
                    {r.emoji}
                  </button>
                ))}
              </div>
            )}
            {props.actions.map((action) => (
              <button
                key={action.label}
                type="button"
                role="menuitem"
                data-action=""
                onClick={() => {
                  close(true);
                  action.run();
                }}
                className={item}
              >
                {action.label}
              </button>
            ))}
          </div>,
          document.body,
        )}
    </div>
  );
}
