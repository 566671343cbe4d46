import os from 'node:os';
import { messenjoTarget } from './targets/messenjo.ts';
import type { Target } from './targets/types.ts';
import type { Row, Workload } from './workloads/types.ts';
import { w1Relay } from './workloads/w1-relay.ts';
import { w3DurableAck } from './workloads/w3-durable-ack.ts';
import { w4CatchUp } from './workloads/w4-catch-up.ts';
import { w9LocalSend } from './workloads/w9-local-send.ts';

/**
 * `pnpm bench [W1,W3,...] [--targets=messenjo,...] [--scale=1]`: runs workloads × targets and
 * prints one table (BENCH.md). Peers (Hocuspocus, y-websocket) are added as targets here.
 */
const WORKLOADS: Workload[] = [w1Relay, w3DurableAck, w4CatchUp, w9LocalSend];
const TARGETS: Target[] = [messenjoTarget];

const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith('--'))?.split(',');
const targetNames = args
  .find((a) => a.startsWith('--targets='))
  ?.slice(10)
  .split(',');
const scale = Number(args.find((a) => a.startsWith('--scale='))?.slice(8) ?? 1);

const rows: Row[] = [];
for (const workload of WORKLOADS.filter((w) => !only || only.includes(w.id))) {
  if (workload.deviceOnly) {
    rows.push(...(await workload.run(undefined, scale)));
    continue;
  }
  for (const target of TARGETS.filter((t) => !targetNames || targetNames.includes(t.name))) {
    // A fresh server per workload and target, so one workload's state never skews the next.
    const instance = await target.start();
    try {
      rows.push(...(await workload.run(instance, scale)));
    } finally {
      await instance.stop();
    }
  }
}

const columns = ['workload', 'target', 'metric', 'value', 'budget'] as const;
const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
console.log(
  `Messenjo benchmarks — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, scale ${scale}`,
);
console.log(line([...columns]));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(columns.map((c) => row[c])));
