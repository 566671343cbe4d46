import { decodeUtf8, encodeUtf8 } from 'lib0/string';

/**
 * The awareness payload the app sends (AW2): whether this device's user is typing in the
 * conversation. UTF-8 JSON `{"typing":true|false}`; the sender is the user id the server stamps,
 * never a field of the payload. Anything else decodes to undefined and is ignored.
 */
export interface TypingState {
  typing: boolean;
}

/** A device repeats `typing: true` at this interval while the person keeps typing. */
export const TYPING_REFRESH_MS = 2000;
/** Without a refresh, others stop showing "is typing" after this long (a closed tab sends no `false`). */
export const TYPING_TIMEOUT_MS = 5000;

export function encodeTyping(state: TypingState): Uint8Array {
  return encodeUtf8(JSON.stringify({ typing: state.typing }));
}

export function decodeTyping(payload: Uint8Array): TypingState | undefined {
  try {
    const value = JSON.parse(decodeUtf8(payload)) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const typing = (value as { typing?: unknown }).typing;
    return typeof typing === 'boolean' ? { typing } : undefined;
  } catch {
    return undefined;
  }
}
