import { checkAwarenessPayload, encodeAwareness } from '../schema/awareness.ts';

/**
 * The typing indicator over awareness (AW3): the payload is the AW2 schema's `{ typing }`, and
 * the sender is the user id the server stamps, never a field of the payload.
 */
export interface TypingState {
  typing: boolean;
}

/** A device repeats `typing: true` at this interval while the person keeps typing. */
export const TYPING_REFRESH_MS = 2000;
/** Without a refresh, others stop showing "is typing" after this long (a closed tab sends no `false`). */
export const TYPING_TIMEOUT_MS = 5000;

export function encodeTyping(state: TypingState): Uint8Array {
  return encodeAwareness({ typing: state.typing });
}

/** The typing state of a relayed payload; undefined for anything outside the schema (ignored). */
export function decodeTyping(payload: Uint8Array): TypingState | undefined {
  const checked = checkAwarenessPayload(payload);
  return checked.ok ? { typing: checked.value.typing } : undefined;
}
