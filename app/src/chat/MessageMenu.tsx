import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export interface MenuAction {
  label: string;
  run: () => void;
}

/**
 * A message's actions behind one button: quick reactions, then reply / edit / delete. A menu in
 * the ARIA sense: arrow keys move, Escape closes and gives focus back to the button.
 */
export function MessageMenu(props: {
  label: string;
  reactions: { emoji: string; mine: boolean; toggle: () => void }[];
  actions: MenuAction[];
  alignEnd: boolean;
}) {
  const [open, setOpen] = useState(false);
  /** Near the bottom of the window the menu opens upwards, so the list's edge never cuts it. */
  const [upwards, setUpwards] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node) && event.target !== button.current) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    if (event.key === 'ArrowDown' || event.key === 'ArrowRight') move(at + 1);
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
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
        onClick={() => {
          const top = button.current?.getBoundingClientRect().top ?? 0;
          setUpwards(top > window.innerHeight / 2);
          setOpen((v) => !v);
        }}
        className="rounded-full px-2 py-0.5 text-lg leading-none text-fg-muted opacity-0 group-hover:opacity-100 [@media(hover:none)]:opacity-100 group-focus-within:opacity-100 hover:bg-raised focus-visible:opacity-100 focus-visible:ring-2 focus-visible:ring-focus aria-expanded:opacity-100"
      >
        ⋯
      </button>
      {open && (
        <div
          ref={menu}
          role="menu"
          aria-label={props.label}
          onKeyDown={onKeyDown}
          className={`absolute z-20 flex ${upwards ? 'bottom-full mb-1' : 'mt-1'} w-56 flex-col gap-1 rounded-xl border border-line bg-surface p-2 shadow-lg ${props.alignEnd ? 'right-0' : 'left-0'}`}
        >
          {props.reactions.length > 0 && (
            <div className="flex justify-between" role="group" aria-label="React">
              {props.reactions.map((r) => (
                <button
                  key={r.emoji}
                  type="button"
                  role="menuitem"
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
              onClick={() => {
                close(true);
                action.run();
              }}
              className={item}
            >
              {action.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
