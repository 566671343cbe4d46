import * as Y from 'yjs';
import { machineBusyPercent, machineCpu, summarize } from '../stats.ts';
import type { Workload } from './types.ts';
import { messageUpdate } from './updates.ts';

/**
 * W3: 200 devices, each sending its next update as soon as the previous one is acked. Only ours
 * acks after a durable commit; Hocuspocus' sync status says "applied in memory" and y-websocket,
 * which has no ack, is timed to the echo of its broadcast (see targets/types.ts `ack`).
 */
export const w3DurableAck: Workload = {
  id: 'W3',
  title: '200 devices writing as fast as acks return',
  rounds: 3,
  async run(target, { scale, progress }) {
    if (!target) return [];
    const devices = 200;
    const perDevice = Math.max(20, Math.round(150 * scale));
    const convs = await target.createConversations(devices, 1);
    const peers = await Promise.all(convs.map((c) => target.connect(c.members[0]!)));
    await Promise.all(peers.map((p, i) => p.subscribe(convs[i]!.docId)));
    // Updates are made up front so the device-side Yjs cost does not compete with the server.
    const updates = peers.map((peer) => {
      const doc = new Y.Doc();
      return Array.from({ length: perDevice }, () => messageUpdate(doc, peer.userId));
    });
    progress(`${devices} devices × ${perDevice} updates`);
    const latencies: number[] = [];
    const cpuBefore = target.serverCpuMs();
    const servicesBefore = target.serviceCpuMs?.();
    const loadBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const start = performance.now();
    await Promise.all(
      peers.map(async (peer, i) => {
        for (const update of updates[i]!) {
          const sent = performance.now();
          await peer.send(convs[i]!.docId, update);
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const cpu = (target.serverCpuMs() ?? NaN) - (cpuBefore ?? NaN);
    const services = (target.serviceCpuMs?.() ?? NaN) - (servicesBefore ?? NaN);
    const load = process.cpuUsage(loadBefore);
    const machine = machineBusyPercent(machineBefore);
    for (const peer of peers) peer.close();
    const { p50, p99, n } = summarize(latencies);
    return [
      { metric: `acked updates/s (${n})`, value: n / seconds, unit: '/s', budget: '≥ 20k/s' },
      { metric: 'ack latency p50', value: p50, unit: 'ms' },
      { metric: 'ack latency p99', value: p99, unit: 'ms', budget: '≤ 10 ms' },
      { metric: 'server CPU per update', value: cpu / n, unit: 'ms' },
      // PostgreSQL and Redis, where they are processes apart from the server (issue 18).
      ...(target.serviceCpuMs
        ? [{ metric: 'PostgreSQL + Redis CPU per update', value: services / n, unit: 'ms' as const }]
        : []),
      // The load generator shares the machine: with the server it can saturate every core.
      { metric: 'load generator CPU per update', value: (load.user + load.system) / 1000 / n, unit: 'ms' },
      { metric: 'machine CPU busy (all cores)', value: machine, unit: '%' },
    ];
  },
};
