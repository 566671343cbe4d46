import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Check } from './entries.ts';

/**
 * AW2: what a device tells the other members of a conversation about itself, relayed by the
 * server and never stored. The payload of an `awareness` frame is a y-protocols awareness update
 * (`encodeAwarenessUpdate` / `applyAwarenessUpdate` read and write it) whose states follow this
 * schema; the server refuses anything else. `{}` (y-protocols' initial state) is valid, and a
 * null state says the device is gone.
 */
export interface AwarenessState {
  /** The person is typing in this conversation. */
  typing?: boolean;
  /** The conversation is open and in front on this device. */
  active?: boolean;
}

/** One entry of an awareness update: a Yjs client id of the sender, its awareness clock, its state. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: AwarenessState | null;
}

/** Entries one awareness frame may carry: a device speaks for itself (a few documents at most). */
export const MAX_AWARENESS_ENTRIES = 4;
const STATE_KEYS: readonly string[] = ['typing', 'active'] satisfies (keyof AwarenessState)[];

export function checkAwarenessState(value: unknown): Check<AwarenessState | null> {
  if (value === null) return { ok: true, value: null };
  if (typeof value !== 'object' || Array.isArray(value))
    return { ok: false, problem: 'state must be an object' };
  for (const [key, field] of Object.entries(value)) {
    if (!STATE_KEYS.includes(key)) return { ok: false, problem: `unknown awareness field ${key}` };
    if (typeof field !== 'boolean') return { ok: false, problem: `awareness ${key} must be true or false` };
  }
  return { ok: true, value: value };
}

/** Reads an awareness payload, checking every state against the schema. */
export function decodeAwareness(payload: Uint8Array): Check<AwarenessEntry[]> {
  try {
    const d = decoding.createDecoder(payload);
    const count = decoding.readVarUint(d);
    if (count === 0 || count > MAX_AWARENESS_ENTRIES) {
      return { ok: false, problem: `an awareness update carries 1–${MAX_AWARENESS_ENTRIES} entries` };
    }
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const state = checkAwarenessState(JSON.parse(decoding.readVarString(d)) as unknown);
      if (!state.ok) return state;
      entries.push({ clientId, clock, state: state.value });
    }
    if (decoding.hasContent(d)) return { ok: false, problem: 'trailing bytes after the awareness update' };
    return { ok: true, value: entries };
  } catch {
    return { ok: false, problem: 'not an awareness update' };
  }
}

/** Writes an awareness payload (the same bytes y-protocols' encodeAwarenessUpdate makes). */
export function encodeAwareness(entries: readonly AwarenessEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, JSON.stringify(state));
  }
  return encoding.toUint8Array(e);
}
