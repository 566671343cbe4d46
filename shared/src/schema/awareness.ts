import { decodeUtf8, encodeUtf8 } from 'lib0/string';
import type { Check } from './entries.ts';

/**
 * AW2: what a device tells the other members of a conversation about itself, relayed by the
 * server (which stamps the sender's user id on it) and never stored. The payload of an
 * `awareness` frame is UTF-8 JSON of exactly this shape — `{"typing":true}` is what the app's
 * typing indicator sends. It carries no user or Yjs client id: the only identity is the one the
 * server stamps, so nobody can speak for another member. The server refuses anything else.
 */
export interface AwarenessState {
  /** The person is typing in this conversation. */
  typing: boolean;
  /** The conversation is open and in front on this device (optional). */
  active?: boolean;
}

const OPTIONAL_KEYS: readonly string[] = ['active'];

/** Reads an awareness payload strictly: an object with a boolean `typing` and at most a boolean `active`. */
export function checkAwarenessPayload(payload: Uint8Array): Check<AwarenessState> {
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(payload));
  } catch {
    return { ok: false, problem: 'awareness payload is not UTF-8 JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'awareness state must be an object' };
  }
  const record = value as Record<string, unknown>;
  if (typeof record.typing !== 'boolean')
    return { ok: false, problem: 'awareness typing must be true or false' };
  for (const [key, field] of Object.entries(record)) {
    if (key === 'typing') continue;
    if (!OPTIONAL_KEYS.includes(key)) return { ok: false, problem: `unknown awareness field ${key}` };
    if (typeof field !== 'boolean') return { ok: false, problem: `awareness ${key} must be true or false` };
  }
  return { ok: true, value: record as unknown as AwarenessState };
}

/** Writes an awareness payload: only the schema's fields, in a fixed order. */
export function encodeAwareness(state: AwarenessState): Uint8Array {
  const clean: AwarenessState = { typing: state.typing };
  if (state.active !== undefined) clean.active = state.active;
  return encodeUtf8(JSON.stringify(clean));
}
