import * as Y from 'yjs';
import { ms, summarize } from '../stats.ts';
import type { Workload } from './types.ts';
import { messageUpdate } from './updates.ts';

/** W3: 200 devices, each sending its next update as soon as the previous one is acked. */
export const w3DurableAck: Workload = {
  id: 'W3',
  title: '200 devices writing as fast as acks return',
  async run(target, scale) {
    if (!target) return [];
    const devices = 200;
    const perDevice = Math.round(300 * scale);
    const convs = await target.createConversations(devices, 1);
    const peers = await Promise.all(convs.map((c) => target.connect(c.members[0]!)));
    await Promise.all(peers.map((p, i) => p.subscribe(convs[i]!.docId)));
    // Updates are made up front so the device-side Yjs cost does not compete with the server.
    const updates = peers.map((peer) => {
      const doc = new Y.Doc();
      return Array.from({ length: perDevice }, () => messageUpdate(doc, peer.userId));
    });
    const latencies: number[] = [];
    const cpuBefore = target.serverCpuMs();
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
    for (const peer of peers) peer.close();
    const { p50, p99, n } = summarize(latencies);
    const rows = [
      { metric: `acked updates/s (${n})`, value: `${Math.round(n / seconds)}/s`, budget: '≥ 20k/s' },
      { metric: 'ack latency p50', value: ms(p50), budget: '' },
      { metric: 'ack latency p99', value: ms(p99), budget: '≤ 10 ms' },
      { metric: 'server CPU per update', value: ms(cpu / n, 3), budget: '' },
    ];
    return rows.map((r) => ({
      workload: 'W3',
      target: `${target.name}${target.durableAck ? '' : ' (ack not durable)'}`,
      ...r,
    }));
  },
};
