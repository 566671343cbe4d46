import type { ReadPosition } from '@messenjo/shared';
import { firstUnreadId } from './rows.ts';
import type { ChatMessage } from './types.ts';

/** Where the conversation opens: under the "New messages" divider above `unreadFromId`, or (undefined) at the newest. */
export interface OpeningAnchor {
  unreadFromId: string | undefined;
  /**
   * Decided before the newest segment and this user's read position were known (the device
   * counted as offline first): it may still move once they arrive, as long as the person has
   * not scrolled, typed or clicked in the conversation yet.
   */
  provisional: boolean;
}

/** What the decision reads of the conversation (a `ChatState` and the history held at start). */
export interface OpeningFacts {
  /** The newest segment and the read position hold the server's state, or the device is offline. */
  settled: boolean;
  /** The newest segment and the read position hold the server's state (not merely offline). */
  synced: boolean;
  /** The read position is known (the user document synced now or on an earlier run). */
  readKnown: boolean;
  /** The device held history when the model was ready (local first: open at once). */
  hasLocal: boolean;
  messages: readonly ChatMessage[];
  readPosition: ReadPosition | undefined;
}

/**
 * The next opening anchor from the current one (null: not decided yet). Decided once the
 * conversation has settled, or at once with history on the device and the read position known.
 * Decided by the offline cut-off alone (a first connection attempt that ended, on a loaded
 * machine often before the newest segment or the user document arrived), it stays provisional:
 * once both hold the server's state, and if the person did nothing in the conversation before,
 * it is placed again — so a person never lands at the newest message past what they had not
 * read. Returns `current` itself when nothing changes (a React state that must not loop).
 */
export function nextOpeningAnchor(
  current: OpeningAnchor | null,
  facts: OpeningFacts,
  meId: string,
  interacted: boolean,
): OpeningAnchor | null {
  const known = facts.synced || (facts.hasLocal && facts.readKnown);
  const place = (): OpeningAnchor => ({
    unreadFromId: firstUnreadId(facts.messages, facts.readPosition, meId),
    provisional: !known,
  });
  if (current === null) return known || facts.settled ? place() : null;
  if (!current.provisional) return current;
  // The person moved on from where it opened: their place is theirs now.
  if (interacted) return { ...current, provisional: false };
  return known ? place() : current;
}
