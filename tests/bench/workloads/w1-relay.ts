import * as Y from 'yjs';
import { ms, summarize } from '../stats.ts';
import type { Workload } from './types.ts';
import { messageUpdate } from './updates.ts';

/** W1: one writer → one reader device, 200 msgs/s of 60-char text; send→receive latency. */
export const w1Relay: Workload = {
  id: 'W1',
  title: 'relay 1→1 at 200 msg/s',
  async run(target, scale) {
    if (!target) return [];
    const [conv] = await target.createConversations(1, 2);
    const writer = await target.connect(conv!.members[0]!);
    const reader = await target.connect(conv!.members[1]!);
    await writer.subscribe(conv!.docId);
    await reader.subscribe(conv!.docId);
    const author = writer.userId;
    const doc = new Y.Doc();
    const total = Math.round(1000 * scale);
    const sentAt: number[] = [];
    const latencies: number[] = [];
    const done = new Promise<void>((resolve) => {
      reader.onRemote = () => {
        latencies.push(performance.now() - sentAt[latencies.length]!);
        if (latencies.length === total) resolve();
      };
    });
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + i * 5; // 200 per second
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const update = messageUpdate(doc, author);
      sentAt.push(performance.now());
      void writer.send(conv!.docId, update);
    }
    await done;
    writer.close();
    reader.close();
    const { p50, p99, n } = summarize(latencies.slice(Math.min(50, total / 10))); // skip warm-up
    return [
      {
        workload: 'W1',
        target: target.name,
        metric: `latency p50 (${n} msgs)`,
        value: ms(p50, 3),
        budget: '≤ 0.3 ms',
      },
      { workload: 'W1', target: target.name, metric: 'latency p99', value: ms(p99, 3), budget: '≤ 2 ms' },
    ];
  },
};
