import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from './Button.tsx';

export interface ConfirmRequest {
  title: string;
  /** What will happen, in words the person can weigh before saying yes. */
  body?: ReactNode;
  /** The verb on the confirming button ("Remove", "Block"); never a bare "OK". */
  confirmLabel: string;
  /** The confirming button is red: the action cannot be undone by the person alone. */
  danger?: boolean;
}

/**
 * A modal question before a destructive action, on the native <dialog>: the browser traps
 * focus, Escape cancels, and the rest of the page is inert while it is open. Focus starts on
 * "Cancel" (Enter on a stray key press must not destroy anything) and goes back to the
 * button that opened it.
 */
export function ConfirmDialog(
  props: ConfirmRequest & { open: boolean; onConfirm: () => void; onCancel: () => void },
) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const { open, onCancel } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    cancelRef.current?.focus();
    const onClose = () => onCancel();
    dialog.addEventListener('cancel', onClose);
    return () => {
      dialog.removeEventListener('cancel', onClose);
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, [open, onCancel]);

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={props.body ? bodyId : undefined}
      className="m-auto w-[calc(100%-2rem)] max-w-sm rounded-2xl border border-line bg-surface p-5 text-fg shadow-xl backdrop:bg-black/50"
    >
      <h2 id={titleId} className="text-lg font-semibold">
        {props.title}
      </h2>
      {props.body && (
        <div id={bodyId} className="mt-2 text-sm text-fg-muted">
          {props.body}
        </div>
      )}
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <Button ref={cancelRef} onClick={onCancel}>
          Cancel
        </Button>
        <Button variant={props.danger === false ? 'primary' : 'danger'} onClick={props.onConfirm}>
          {props.confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}

/**
 * `const [dialog, confirm] = useConfirm()`: render `dialog`, then
 * `if (await confirm({ title, confirmLabel })) …`. One question at a time per component.
 */
export function useConfirm(): [ReactNode, (request: ConfirmRequest) => Promise<boolean>] {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const resolveRef = useRef<((yes: boolean) => void) | null>(null);
  const confirm = useCallback(
    (next: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        resolveRef.current?.(false);
        resolveRef.current = resolve;
        setRequest(next);
      }),
    [],
  );
  const answer = useCallback((yes: boolean) => {
    const resolve = resolveRef.current;
    resolveRef.current = null;
    setRequest(null);
    resolve?.(yes);
  }, []);
  const onCancel = useCallback(() => answer(false), [answer]);
  const onConfirm = useCallback(() => answer(true), [answer]);
  const dialog = request && <ConfirmDialog {...request} open onConfirm={onConfirm} onCancel={onCancel} />;
  return [dialog, confirm];
}
