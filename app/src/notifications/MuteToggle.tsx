import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import { mutesOf } from './mutes.ts';

/** The conversation header's mute switch: no notification or push for it, on any of the user's devices. */
export function MuteToggle(props: { conversationId: string }) {
  const mutes = mutesOf(useDeviceSession());
  const muted = useStore(mutes.muted).has(props.conversationId);
  return (
    <button
      type="button"
      aria-pressed={muted}
      onClick={() => void mutes.set(props.conversationId, !muted)}
      className="rounded-lg px-3 py-1.5 text-sm hover:bg-raised"
      data-testid="mute-toggle"
    >
      {muted ? 'Unmute' : 'Mute'}
      <span className="sr-only"> notifications</span>
    </button>
  );
}

/** The list's mark of a muted conversation. */
export function MutedMark(props: { conversationId: string }) {
  const muted = useStore(mutesOf(useDeviceSession()).muted).has(props.conversationId);
  if (!muted) return null;
  return (
    <span className="shrink-0 text-xs text-fg-muted" data-testid="muted-mark" title="Muted">
      <span aria-hidden="true">🔕</span>
      <span className="sr-only">muted</span>
    </span>
  );
}
