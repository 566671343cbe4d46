import { useEffect, useRef } from 'react';

/** A modal question before something that cannot be undone; Escape or Cancel closes it. */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirm: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby="confirm-title"
      onClose={props.onClose}
      className="m-auto max-w-sm rounded-2xl border border-line bg-surface p-5 text-fg backdrop:bg-canvas/70"
    >
      <h2 id="confirm-title" className="text-lg font-semibold">
        {props.title}
      </h2>
      <p className="mt-2 text-sm text-fg-muted">{props.body}</p>
      <div className="mt-5 flex justify-end gap-2">
        <button
          type="button"
          onClick={() => ref.current?.close()}
          className="rounded-lg bg-raised px-3 py-1.5 text-sm font-medium text-fg hover:opacity-90"
        >
          Cancel
        </button>
        <button
          type="button"
          autoFocus
          onClick={() => {
            props.onConfirm();
            ref.current?.close();
          }}
          className="rounded-lg bg-danger px-3 py-1.5 text-sm font-medium text-on-danger hover:opacity-90"
        >
          {props.confirm}
        </button>
      </div>
    </dialog>
  );
}
