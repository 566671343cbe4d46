import * as Y from 'yjs';

/**
 * POS2: the basis of a local update — the Yjs state vector of `doc` just before the update was
 * made (call it from the doc's `update` listener, the update already applied). The server checks
 * that every message the update appends lands after every message of this basis.
 */
export function basisBefore(doc: Y.Doc, update: Uint8Array): Uint8Array {
  const state = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, clock] of Y.parseUpdateMeta(update).from) {
    if (clock === 0) state.delete(client);
    else state.set(client, clock);
  }
  return Y.encodeStateVector(state);
}
