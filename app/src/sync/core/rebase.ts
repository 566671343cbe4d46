import { parseDocId, parsePlayedKey, parseReactionKey } from '@messenjo/shared';
import * as Y from 'yjs';

/**
 * What some of this device's unsent updates did, in terms that do not depend on their Yjs
 * history: values appended to root arrays, map keys set, map keys removed. A refused update
 * continues nothing any more, and every later update of the same Yjs client depends on it (the
 * client's clock runs through it), so those bytes can never be stored. What they _did_ can be
 * done again, as new changes, on a copy rebuilt from the server: that is what this carries. It
 * is plain JSON, so it can wait in storage for the server's state.
 */
export interface CarriedChanges {
  /** Values appended to root arrays (messages), in the order they were made. */
  appended: { root: string; value: unknown }[];
  /** Map keys whose value the updates set (the last value each). */
  set: { root: string; key: string; value: unknown }[];
  /** Map keys whose value (the item `client`/`clock`, made elsewhere) the updates removed. */
  removed: { root: string; key: string; client: number; clock: number }[];
}

type Ranges = Map<number, [number, number][]>;

function inRanges(ranges: Ranges, client: number, clock: number): boolean {
  return (ranges.get(client) ?? []).some(([from, to]) => clock >= from && clock < to);
}

function addRange(ranges: Ranges, client: number, from: number, length: number): void {
  const list = ranges.get(client) ?? [];
  list.push([from, from + length]);
  ranges.set(client, list);
}

/** The Yjs items `updates` created and the items they deleted, by client and clock. */
function rangesOf(updates: readonly Uint8Array[]): { made: Ranges; deleted: Ranges } {
  const made: Ranges = new Map();
  const deleted: Ranges = new Map();
  for (const update of updates) {
    const { structs, ds } = Y.decodeUpdate(update);
    for (const struct of structs)
      if (struct instanceof Y.Item) addRange(made, struct.id.client, struct.id.clock, struct.length);
    for (const [client, items] of ds.clients)
      for (const item of items) addRange(deleted, client, item.clock, item.len);
  }
  return { made, deleted };
}

/**
 * What `updates` (unsent, already applied to `doc`) changed in `doc`, as it stands now: their
 * appended values still there, their map values not overwritten since, their removals of
 * others' map values.
 */
export function carriedChanges(doc: Y.Doc, updates: readonly Uint8Array[]): CarriedChanges {
  const carried: CarriedChanges = { appended: [], set: [], removed: [] };
  if (updates.length === 0) return carried;
  const { made, deleted } = rangesOf(updates);
  for (const [root, type] of doc.share) {
    // Array content: consecutive appends of one client may be merged into one item.
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      const values = item.content.getContent();
      values.forEach((value, i) => {
        if (inRanges(made, item.id.client, item.id.clock + i)) carried.appended.push({ root, value });
      });
    }
    for (const [key, item] of type._map) {
      const clock = item.id.clock + item.length - 1;
      if (!item.deleted) {
        if (inRanges(made, item.id.client, clock))
          carried.set.push({ root, key, value: item.content.getContent().at(-1) });
      } else if (inRanges(deleted, item.id.client, clock) && !inRanges(made, item.id.client, clock)) {
        carried.removed.push({ root, key, client: item.id.client, clock });
      }
    }
  }
  return carried;
}

export function hasChanges(carried: CarriedChanges): boolean {
  return carried.appended.length + carried.set.length + carried.removed.length > 0;
}

/** A message id a segment's keyed entry is about (it cannot stand without that message). */
function messageIdOf(root: string, key: string, value: unknown): string | undefined {
  if (root === 'edits' || root === 'deletions') return key;
  if (root === 'reactions') return parseReactionKey(key)?.messageId;
  if (root === 'played') return parsePlayedKey(key)?.messageId;
  if (root === 'receipts' && typeof value === 'object' && value !== null && 'messageId' in value)
    return String(value.messageId);
  return undefined;
}

/** The newer of two keyed entries by their `at` (read positions, receipts, edits…): a newer one stays. */
function isOlder(value: unknown, than: unknown): boolean {
  const at = (v: unknown): number | undefined =>
    typeof v === 'object' && v !== null && 'at' in v && typeof v.at === 'number' ? v.at : undefined;
  const a = at(value);
  const b = at(than);
  return a !== undefined && b !== undefined && a < b;
}

/**
 * Makes the carried changes again on `doc` (holding the server's state now), in one transaction:
 * appended values go after everything there; a map value is set unless a newer one (by `at`) is
 * there; a removal only removes the value it removed before. In a segment, keyed entries about a
 * message that is not there (it was in the refused update) are dropped: the server would refuse
 * them too. Returns how many changes were made.
 */
export function reapply(doc: Y.Doc, docId: string, carried: CarriedChanges): number {
  const segment = parseDocId(docId)?.kind === 'segment';
  let made = 0;
  doc.transact(() => {
    for (const { root, value } of carried.appended) {
      const array = doc.getArray(root);
      array.insert(array.length, [value]);
      made++;
    }
    const ids = segment
      ? new Set(
          doc
            .getArray<{ id?: unknown }>('messages')
            .toArray()
            .map((m) => m.id),
        )
      : null;
    for (const { root, key, value } of carried.set) {
      const map = doc.getMap(root);
      const about = ids ? messageIdOf(root, key, value) : undefined;
      if (about !== undefined && !ids?.has(about)) continue;
      if (isOlder(value, map.get(key))) continue;
      map.set(key, value);
      made++;
    }
    for (const { root, key, client, clock } of carried.removed) {
      const map = doc.getMap(root);
      const item = map._map.get(key);
      if (!item || item.deleted || item.id.client !== client || item.id.clock + item.length - 1 !== clock)
        continue;
      map.delete(key);
      made++;
    }
  });
  return made;
}
