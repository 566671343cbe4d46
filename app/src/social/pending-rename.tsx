import { useStore } from '../lib/use-store.ts';
import { useDeviceSession, type PendingRename } from '../session/index.ts';

/** What the person sees of a rename still on this device (its title matches a pending message's). */
export const PENDING_RENAME_TITLE = 'Only on this device: it goes out when the connection is back';

/** This group's rename made on this device and not yet stored by the server, if any. */
export function usePendingRename(conversationId: string): PendingRename | undefined {
  return useStore(useDeviceSession().renames.pending).get(conversationId);
}

/** The clock beside a name given on this device and not yet sent. */
export function PendingRenameMark() {
  return (
    <span
      title={PENDING_RENAME_TITLE}
      data-testid="rename-pending"
      className="ml-1 inline-block text-fg-muted"
    >
      <svg
        viewBox="0 0 24 24"
        width="14"
        height="14"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        aria-hidden="true"
      >
        <circle cx="12" cy="12" r="9" />
        <path d="M12 7v5l3 2" strokeLinecap="round" />
      </svg>
      <span className="sr-only">(new name waiting to be sent)</span>
    </span>
  );
}
