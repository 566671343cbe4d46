import * as Y from 'yjs';
import { sleep, summarize } from '../stats.ts';
import type { BenchPeer } from '../targets/types.ts';
import type { Workload } from './types.ts';
import { markedText, markOf, messageUpdate } from './updates.ts';

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
    const firsts = peers.map((members, g) =>
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
    let firstsExpected = groups * (MEMBERS - 1);
    let firstsDelivered: () => void = () => {};
    const firstsArrived = new Promise<void>((resolve) => (firstsDelivered = resolve));
    let expected = total * (MEMBERS - 1);
    let allDelivered: () => void = () => {};
    const delivered = new Promise<void>((resolve) => (allDelivered = resolve));
    peers.forEach((members, g) =>
      members.forEach((peer, m) => {
        peer.onRemote = (_docId, update) => {
          const k = markOf(update);
          if (k >= total && k - total === g && m !== 0) {
            firstLatencies.push(performance.now() - sentAt[k]!);
            if (--firstsExpected === 0) firstsDelivered();
            return;
          }
          if (k < 0 || k % groups !== g || Math.floor(k / groups) % MEMBERS === m) return;
          latencies.push(performance.now() - sentAt[k]!);
          if (--expected === 0) allDelivered();
        };
      }),
    );

    progress(`first message to each of ${groups} groups`);
    firsts.forEach((update, g) => {
      sentAt[total + g] = performance.now();
      peers[g]![0]!.send(convs[g]!.docId, update).catch(() => {});
    });
    await Promise.race([firstsArrived, sleep(20_000)]);
    if (firstsExpected > 0) throw new Error(`${firstsExpected} first-message deliveries missing after 20 s`);
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
    const deliveries = total * (MEMBERS - 1);
    if (latencies.length < deliveries)
      throw new Error(`${deliveries - latencies.length} of ${deliveries} deliveries missing after 20 s`);
    const { p50, p99 } = summarize(latencies);
    return [
      {
        metric: `first message to each group: delivery p99 (${firstLatencies.length})`,
        value: first.p99,
        unit: 'ms',
      },
      { metric: `delivery p50 (${deliveries} deliveries)`, value: p50, unit: 'ms' },
      { metric: 'delivery p99', value: p99, unit: 'ms', budget: '≤ 10 ms' },
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
