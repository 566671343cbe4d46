import type { ServerStatus } from '../lib/server-status.ts';

const LABEL: Record<ServerStatus['state'], string> = {
  checking: 'Connecting…',
  online: 'Online',
  offline: 'Offline',
};

const DOT: Record<ServerStatus['state'], string> = {
  checking: 'bg-warn',
  online: 'bg-ok',
  offline: 'bg-fg-muted',
};

export function ConnectionBadge({ status }: { status: ServerStatus }) {
  return (
    <span
      role="status"
      aria-live="polite"
      data-state={status.state}
      className="inline-flex items-center gap-2 text-sm"
    >
      <span className={`h-2.5 w-2.5 rounded-full ${DOT[status.state]}`} aria-hidden="true" />
      {LABEL[status.state]}
    </span>
  );
}
