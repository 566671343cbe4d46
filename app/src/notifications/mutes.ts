import { mutedConversations, setMuted, userDocOf } from '@messenjo/shared';
import type * as Y from 'yjs';
import { Store } from '../lib/store.ts';
import type { DeviceSession } from '../session/index.ts';

export interface Mutes {
  /** The conversations this user mutes (on every device: the user document's `muted`). */
  muted: Store<ReadonlySet<string>>;
  /** Mutes or unmutes, locally first; the user document carries it to the other devices and the server. */
  set(conversationId: string, muted: boolean): Promise<void>;
}

const bySession = new WeakMap<DeviceSession, Mutes>();

/** The session's mutes, read from its user document once it is open and kept current. */
export function mutesOf(session: DeviceSession): Mutes {
  let mutes = bySession.get(session);
  if (mutes) return mutes;
  const muted = new Store<ReadonlySet<string>>(new Set());
  let doc: Y.Doc | undefined;
  session.userDoc().then(
    (opened) => {
      doc = opened;
      const map = userDocOf(opened).muted;
      const read = (): void => muted.set(mutedConversations(opened));
      read();
      map.observe(read);
    },
    () => {}, // the session ended before its documents loaded: nothing is muted any more
  );
  mutes = {
    muted,
    async set(conversationId, on) {
      doc ??= await session.userDoc();
      setMuted(doc, conversationId, on);
    },
  };
  bySession.set(session, mutes);
  return mutes;
}
