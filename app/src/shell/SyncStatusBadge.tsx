import type { SyncStatus } from '../session/index.ts';
import { usePendingCount, useSyncStatus } from './use-sync-status.ts';

const LABEL: Record<SyncStatus, string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  syncing: 'Syncing…',
  online: 'Online',
  signed_out: 'Signed out',
};
const DOT: Record<SyncStatus, string> = {
  offline: 'bg-fg-muted',
  connecting: 'bg-warn',
  syncing: 'bg-accent',
  online: 'bg-ok',
  signed_out: 'bg-danger',
};

/** The connection as the person sees it, and how many changes wait to go out. */
export function SyncStatusBadge() {
  const status = useSyncStatus();
  const pending = usePendingCount();
  return (
    <span
      role="status"
      aria-live="polite"
      data-sync-status={status}
      title={pending > 0 ? `${LABEL[status]}, ${pending} waiting to send` : LABEL[status]}
      className="flex shrink-0 items-center gap-1.5 text-xs text-fg-muted"
    >
      <span className={`h-2.5 w-2.5 rounded-full ${DOT[status]}`} aria-hidden="true" />
      <span className="sr-only">{LABEL[status]}</span>
      {pending > 0 && <span>{pending} waiting</span>}
    </span>
  );
}
