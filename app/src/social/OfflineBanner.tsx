import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';

/**
 * Says the device is offline and how many messages wait to go out. Never blocking: the list and
 * the conversations stay usable, messages written now are sent when the network returns. Only
 * once the device is known to be offline (`DeviceSession.offline`): shown at every start while
 * the first connection was made, it said "Offline" wrongly and moved the screen when it left.
 */
export function OfflineBanner() {
  const session = useDeviceSession();
  const offline = useStore(session.offline);
  const unsent = useStore(session.unsentMessages);
  if (!offline) return null;
  return (
    <p
      role="status"
      data-testid="offline-banner"
      className="mb-2 rounded-xl border border-line bg-surface px-3 py-2 text-sm text-fg"
    >
      <span className="font-semibold">Offline.</span>{' '}
      {unsent === 0
        ? 'Everything on this device stays readable.'
        : `${unsent === 1 ? '1 message waits' : `${unsent} messages wait`} to be sent when the network returns.`}
    </p>
  );
}
