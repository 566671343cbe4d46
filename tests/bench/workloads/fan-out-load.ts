import * as Y from 'yjs';
import { median, sleep } from '../stats.ts';
import type { BenchPeer, TargetInstance } from '../targets/types.ts';
import { Deliveries } from './deliveries.ts';
import { markedText, marksOf, messageUpdate } from './updates.ts';

export const MEMBERS = 10;

/** W2's shape: groups of 10 members, one device each, every device subscribed to its group. */
export interface FanOutGroups {
  groups: number;
  docIds: string[];
  peers: BenchPeer[][];
  /** Each member's own replica, on which its messages are written. */
  docs: Y.Doc[][];
  /** Message numbers used so far (each phase starts at a multiple of groups × MEMBERS). */
  nextK: number;
}

export async function setUpGroups(target: TargetInstance, groups: number): Promise<FanOutGroups> {
  const convs = await target.createConversations(groups, MEMBERS);
  const peers: BenchPeer[][] = [];
  for (const conv of convs) peers.push(await Promise.all(conv.members.map((m) => target.connect(m))));
  await Promise.all(peers.flatMap((members, g) => members.map((p) => p.subscribe(convs[g]!.docId))));
  return {
    groups,
    docIds: convs.map((c) => c.docId),
    peers,
    docs: peers.map((members) => members.map(() => new Y.Doc())),
    nextK: 0,
  };
}

export interface PhaseResult {
  /** Delivery latencies in ms, by message in send order (NaN: not delivered). */
  byMessage: Float64Array;
  latencies: number[];
  missing: number;
  offeredPerSecond: number;
}

/**
 * Offers `rate` messages/s for `seconds` (message k to group k % groups, members taking turns)
 * and times each delivery at the group's 9 other devices; waits up to `drainMs` for the last.
 */
export async function offerLoad(
  set: FanOutGroups,
  rate: number,
  seconds: number,
  drainMs: number,
  onTick?: () => void,
): Promise<PhaseResult> {
  const { groups, peers, docs, docIds } = set;
  const first = set.nextK;
  const total = Math.round(rate * seconds);
  const block = groups * MEMBERS;
  set.nextK = first + Math.ceil(total / block) * block + block;
  const groupOf = (k: number) => k % groups;
  const memberOf = (k: number) => Math.floor(k / groups) % MEMBERS;
  const updates = Array.from({ length: total }, (_, j) => {
    const k = first + j;
    return messageUpdate(
      docs[groupOf(k)]![memberOf(k)]!,
      peers[groupOf(k)]![memberOf(k)]!.userId,
      markedText(k),
    );
  });
  const sentAt = new Float64Array(total);
  const latest = new Float64Array(total).fill(NaN);
  const latencies: number[] = [];
  // Each (message, device) once: a relayed-again update must not stand in for a lost one.
  const deliveries = new Deliveries(total, MEMBERS);
  let allDelivered: () => void = () => {};
  const delivered = new Promise<void>((resolve) => (allDelivered = resolve));
  peers.forEach((members, g) =>
    members.forEach((peer, m) => {
      peer.onRemote = (_docId, update) => {
        for (const mark of marksOf(update)) {
          const j = mark - first;
          if (j < 0 || j >= total || groupOf(first + j) !== g || memberOf(first + j) === m) continue;
          if (!deliveries.take(j, m)) continue;
          const latency = performance.now() - sentAt[j]!;
          latencies.push(latency);
          // A message's latency is its slowest delivery.
          if (!(latest[j]! >= latency)) latest[j] = latency;
          if (deliveries.missing === 0) allDelivered();
        }
      };
    }),
  );
  const start = performance.now();
  let j = 0;
  while (j < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; j < due; j++) {
      const k = first + j;
      sentAt[j] = performance.now();
      peers[groupOf(k)]![memberOf(k)]!.send(docIds[groupOf(k)]!, updates[j]!).catch(() => {});
    }
    onTick?.();
    await sleep(2);
  }
  const offeredPerSecond = total / ((performance.now() - start) / 1000);
  if (deliveries.missing > 0) await Promise.race([delivered, sleep(drainMs)]);
  for (const peer of peers.flat()) peer.onRemote = null;
  return { byMessage: latest, latencies, missing: deliveries.missing, offeredPerSecond };
}

/**
 * "Growing latency": the slowest deliveries of the last quarter of messages, by median, are
 * more than twice those of the first quarter plus 100 ms. A queue building up over a step of
 * seconds passes that by far; one scheduling stall of a shared machine does not.
 */
export function latencyGrows(byMessage: Float64Array): boolean {
  const quarter = Math.floor(byMessage.length / 4);
  if (quarter === 0) return false;
  const head = median([...byMessage.subarray(0, quarter)]);
  const tail = median([...byMessage.subarray(byMessage.length - quarter)]);
  return tail > 2 * head + 100;
}
