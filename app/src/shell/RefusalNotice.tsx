import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import { refusalText } from '../session/index.ts';
import { Button } from '../ui/Button.tsx';

/**
 * Tells the person that the server refused one of this device's changes (the refused message
 * is gone from the screen) until they dismiss it. Never blocking: an alert above the panes.
 */
export function RefusalNotice() {
  const session = useDeviceSession();
  const refusal = useStore(session.refusals.latest);
  const rows = useStore(session.conversations);
  if (!refusal) return null;
  const name = rows.find((row) => row.id === refusal.conversationId)?.name;
  return (
    <div
      role="alert"
      data-testid="refusal-notice"
      className="fixed inset-x-2 bottom-24 z-40 mx-auto flex max-w-xl items-start shadow-lg gap-3 rounded-xl border border-danger bg-surface px-3 py-2 text-sm text-fg"
    >
      <p className="min-w-0 flex-1">{refusalText(refusal, name)}</p>
      <Button onClick={() => session.refusals.dismiss()}>Dismiss</Button>
    </div>
  );
}
