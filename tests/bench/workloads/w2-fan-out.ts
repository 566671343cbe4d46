import * as Y from 'yjs';
import { sleep, summarize } from '../stats.ts';
import type { BenchPeer } from '../targets/types.ts';
import type { Workload } from './types.ts';
import { Deliveries } from './deliveries.ts';
import { markedText, marksOf, messageUpdate } from './updates.ts';

const MEMBERS = 10;
const MSGS_PER_GROUP_PER_S = 20;

/**
 * W2: 1,000 devices in 100 groups of 10, 2,000 msgs/s in total (20 per group, members taking
 * turns); delivery latency at every other member, and the server's CPU. Each message text carries
 * its number, so a receiver times it without decoding the update. The first message to each group
 * goes before the timed run and is reported on its own (the cost of a document's first write).
 */
export const w2FanOut: Workload = {
  id: 'W2',
  title: 'fan-out: 100 groups × 10 devices, 2,000 msgs/s',
  rounds: 2,
  async run(target, { scale, progress }) {
    if (!target) return [];
    const groups = Math.max(5, Math.round(100 * scale));
    const seconds = scale < 0.5 ? 3 : 8;
    const rate = groups * MSGS_PER_GROUP_PER_S;
    const total = rate * seconds;
    progress(`setting up ${groups} groups × ${MEMBERS}`);
    const convs = await target.createConversations(groups, MEMBERS);
    const peers: BenchPeer[][] = [];
    for (const conv of convs) peers.push(await Promise.all(conv.members.map((m) => target.connect(m))));
    await Promise.all(peers.flatMap((members, g) => members.map((p) => p.subscribe(convs[g]!.docId))));

    // Message k goes to group k % groups, from member ⌊k / groups⌋ % 10; made up front.
    const docs = peers.map((members) => members.map(() => new Y.Doc()));
    // First, one message per group (number total + g), timed on its own and left out of the
    // steady state: ours reads a document into memory on its first write, the peers on subscribe.
    const firstUpdates = peers.map((members, g) =>
      messageUpdate(docs[g]![0]!, members[0]!.userId, markedText(total + g)),
    );
    const updates = Array.from({ length: total }, (_, k) => {
      const g = k % groups;
      const m = Math.floor(k / groups) % MEMBERS;
      return messageUpdate(docs[g]![m]!, peers[g]![m]!.userId, markedText(k));
    });
    const sentAt = new Float64Array(total + groups);
    const latencies: number[] = [];
    const firstLatencies: number[] = [];
    let firstsDelivered: () => void = () => {};
    const firstsArrived = new Promise<void>((resolve) => (firstsDelivered = resolve));
    const senderOf = (k: number) => Math.floor(k / groups) % MEMBERS;
    const groupOf = (k: number) => k % groups;
    // Each (message, device) once: a relayed-again update must not stand in for a lost one.
    const deliveries = new Deliveries(total, MEMBERS);
    const firsts = new Deliveries(groups, MEMBERS);
    let allDelivered: () => void = () => {};
    const delivered = new Promise<void>((resolve) => (allDelivered = resolve));
    peers.forEach((members, g) =>
      members.forEach((peer, m) => {
        peer.onRemote = (_docId, update) => {
          for (const k of marksOf(update)) {
            if (k >= total) {
              if (k - total !== g || m === 0 || !firsts.take(g, m)) continue;
              firstLatencies.push(performance.now() - sentAt[k]!);
              if (firsts.missing === 0) firstsDelivered();
              continue;
            }
            if (k < 0 || groupOf(k) !== g || senderOf(k) === m || !deliveries.take(k, m)) continue;
            latencies.push(performance.now() - sentAt[k]!);
            if (deliveries.missing === 0) allDelivered();
          }
        };
      }),
    );

    progress(`first message to each of ${groups} groups`);
    firstUpdates.forEach((update, g) => {
      sentAt[total + g] = performance.now();
      peers[g]![0]!.send(convs[g]!.docId, update).catch(() => {});
    });
    await Promise.race([firstsArrived, sleep(20_000)]);
    if (firsts.missing > 0)
      throw new Error(
        `${firsts.missing} first-message deliveries missing after 20 s: ${firsts.describe(
          () => 0,
          (g) => g,
        )}${closedDevices(peers)}`,
      );
    const first = summarize(firstLatencies);

    progress(`${total} messages at ${rate}/s`);
    const cpuBefore = target.serverCpuMs();
    const servicesBefore = target.serviceCpuMs?.();
    const ownCpuBefore = process.cpuUsage();
    const start = performance.now();
    let k = 0;
    while (k < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      for (; k < due; k++) {
        sentAt[k] = performance.now();
        // A refused or closed device shows as deliveries missing below: that run fails, the bench goes on.
        peers[k % groups]![Math.floor(k / groups) % MEMBERS]!.send(
          convs[k % groups]!.docId,
          updates[k]!,
        ).catch(() => {});
      }
      if (k % 1000 < 20) progress(`${k}/${total} sent, ${latencies.length} delivered`);
      await sleep(2);
    }
    const sendSeconds = (performance.now() - start) / 1000;
    await Promise.race([delivered, sleep(20_000)]);
    const elapsed = (performance.now() - start) / 1000;
    const cpu = ((target.serverCpuMs() ?? NaN) - (cpuBefore ?? NaN)) / 10 / elapsed;
    const services = ((target.serviceCpuMs?.() ?? NaN) - (servicesBefore ?? NaN)) / 10 / elapsed;
    const own = process.cpuUsage(ownCpuBefore);
    for (const peer of peers.flat()) peer.close();
    const expected = total * (MEMBERS - 1);
    if (deliveries.missing > 0)
      throw new Error(
        `${deliveries.missing} of ${expected} deliveries missing after 20 s: ${deliveries.describe(senderOf, groupOf)}${closedDevices(peers)}`,
      );
    const { p50, p99 } = summarize(latencies);
    return [
      {
        metric: `first message to each group: delivery p99 (${firstLatencies.length})`,
        value: first.p99,
        unit: 'ms',
      },
      { metric: `delivery p50 (${expected} deliveries)`, value: p50, unit: 'ms' },
      { metric: 'delivery p99', value: p99, unit: 'ms', budget: '≤ 10 ms' },
      // A relay repeated (another process's gap read, a missed range relayed again): not a delivery.
      { metric: 'deliveries repeated (counted once)', value: deliveries.repeats, unit: '' },
      { metric: 'messages sent/s (offered)', value: total / sendSeconds, unit: '/s', budget: `${rate}/s` },
      { metric: 'server CPU, % of one core', value: cpu, unit: '%' },
      // PostgreSQL and Redis, where they are processes apart from the server (issue 18).
      ...(target.serviceCpuMs
        ? [{ metric: 'PostgreSQL + Redis CPU, % of one core', value: services, unit: '%' as const }]
        : []),
      {
        metric: 'load generator CPU, % of one core',
        value: (own.user + own.system) / 1000 / 10 / elapsed,
        unit: '%',
      },
    ];
  },
};

/** The devices the server closed, for a run's error. */
function closedDevices(peers: BenchPeer[][]): string {
  const closed = peers.flatMap((members, g) =>
    members.flatMap((peer, m) => (peer.closedBy ? [`group ${g} device ${m}: ${peer.closedBy}`] : [])),
  );
  return closed.length === 0 ? '; no device was closed' : `; closed by the server: ${closed.join('; ')}`;
}
