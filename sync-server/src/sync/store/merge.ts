import * as Y from 'yjs';

/** Group size for merging: a flat merge of 10k updates is ~10x slower than merging groups of 100 (docs/workloads.md). */
const MERGE_GROUP = 100;

/** An update that changes nothing (made once: a Y.Doc costs a random guid, seen in W2's subscribe profile). */
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

/** Merges many updates into one, in groups, then merges the group results. */
export function mergeInGroups(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 0) return EMPTY_UPDATE;
  if (updates.length === 1) return updates[0]!;
  let level = [...updates];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += MERGE_GROUP)
      next.push(Y.mergeUpdates(level.slice(i, i + MERGE_GROUP)));
    level = next;
  }
  return level[0]!;
}
