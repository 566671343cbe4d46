import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { aggregate, renderTable, type Sample } from './report.ts';
import { hocuspocusTarget } from './targets/hocuspocus.ts';
import { messenjoBuild, messenjoTarget } from './targets/messenjo.ts';
import { messenjoCluster } from './targets/messenjo-cluster.ts';
import type { Target, TargetInstance } from './targets/types.ts';
import { wsRelayTarget } from './targets/ws-relay.ts';
import { yWebsocketTarget } from './targets/y-websocket.ts';
import type { Workload } from './workloads/types.ts';
import { w1Relay } from './workloads/w1-relay.ts';
import { w2FanOut } from './workloads/w2-fan-out.ts';
import { w2pPaused } from './workloads/w2p-paused.ts';
import { w2sSweep } from './workloads/w2s-sweep.ts';
import { w3DurableAck } from './workloads/w3-durable-ack.ts';
import { w4CatchUp } from './workloads/w4-catch-up.ts';
import { w5NewDevice } from './workloads/w5-new-device.ts';
import { w5AppNewDevice, w6Open, w12ColdStart } from './workloads/app-open.ts';
import { w7Idle } from './workloads/w7-idle.ts';
import { w8Storage } from './workloads/w8-storage.ts';
import { w9LocalSend } from './workloads/w9-local-send.ts';
import { w10Search } from './workloads/w10-search.ts';
import { w13AttachmentThroughput } from './workloads/w13-attachment-throughput.ts';
import { w14Encryption } from './workloads/w14-encryption.ts';
import { w15FirstThumbnail } from './workloads/w15-first-thumbnail.ts';

/**
 * `pnpm bench [W1,W3,...] [--targets=messenjo,hocuspocus] [--scale=0.05] [--rounds=N] [--json=out.json] [--timeout=s]`
 * Workloads × targets (docs/workloads.md). Each server is its own process, started fresh per workload run;
 * within a round the targets run one after another, and rounds repeat, so machine noise spreads
 * over all of them. Prints the medians over rounds and ours ÷ peer. Exits non-zero if any run fails.
 */
const WORKLOADS: Workload[] = [
  w1Relay,
  w2FanOut,
  w2sSweep,
  w2pPaused,
  w3DurableAck,
  w4CatchUp,
  w5NewDevice,
  w5AppNewDevice,
  w6Open,
  w7Idle,
  w8Storage,
  w9LocalSend,
  w10Search,
  w12ColdStart,
  w13AttachmentThroughput,
  w14Encryption,
  w15FirstThumbnail,
];
const baseline = process.env.BENCH_BASELINE;
const TARGETS: Target[] = [
  messenjoTarget,
  // Issue 18: 1, 2 and 3 processes over PostgreSQL + Redis (W2 and W3 only).
  messenjoCluster(1),
  messenjoCluster(2),
  messenjoCluster(3),
  hocuspocusTarget,
  yWebsocketTarget,
  wsRelayTarget,
  ...(baseline ? [messenjoBuild('messenjo-base', baseline), messenjoCluster(2, baseline)] : []),
];

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = args
  .find((a) => !a.startsWith('--'))
  ?.toUpperCase()
  .split(',');
const targetNames = option('targets')?.split(',');
const scale = Number(option('scale') ?? 1);
const roundsOption = option('rounds');
const jsonPath = option('json');
// A run that takes longer has hung (or the machine is far too busy to measure anything);
// `--timeout=<s>` gives a busy machine longer.
const timeoutOption = option('timeout');
const RUN_TIMEOUT_MS = timeoutOption ? Number(timeoutOption) * 1000 : (scale < 1 ? 1 : 5) * 60_000;

const workloads = WORKLOADS.filter((w) => !only || only.includes(w.id));
const targets = TARGETS.filter((t) => !targetNames || targetNames.includes(t.name));
if (workloads.length === 0 || targets.length === 0) {
  console.error(
    `nothing to run: workloads ${WORKLOADS.map((w) => w.id).join(',')}; targets ${TARGETS.map((t) => t.name).join(',')}`,
  );
  process.exit(2);
}

const started = performance.now();
const samples: Sample[] = [];
const failures: string[] = [];
const progress = (label: string) => (detail: string) => {
  const elapsed = ((performance.now() - started) / 1000).toFixed(0);
  const text = `[${elapsed}s] ${label}${detail ? ` — ${detail}` : ''}`;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
  else process.stderr.write(`${text}\n`);
};

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took longer than ${RUN_TIMEOUT_MS / 1000} s`)),
      RUN_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

for (const workload of workloads) {
  const rounds = roundsOption ? Number(roundsOption) : scale < 1 ? 1 : workload.rounds;
  for (let round = 1; round <= rounds; round++) {
    const runOn = workload.deviceOnly
      ? [undefined]
      : workload.oursOnly
        ? // Every build of ours (messenjo, and messenjo-base for a before/after) that runs it.
          targets.filter(
            (t) => t.name.startsWith('messenjo') && (!t.workloads || t.workloads.includes(workload.id)),
          )
        : targets.filter((t) => !t.workloads || t.workloads.includes(workload.id));
    for (const target of runOn) {
      const name = target?.name ?? 'messenjo';
      const label = `${workload.id} ${workload.title}, round ${round}/${rounds}, ${target ? name : 'device'}`;
      const report = progress(label);
      report('starting');
      let instance: TargetInstance | undefined;
      try {
        instance = await target?.start();
        const measured = await withTimeout(workload.run(instance, { scale, progress: report }), label);
        if (measured.length === 0) throw new Error('reported no numbers');
        for (const m of measured) {
          if (m.note === undefined && !Number.isFinite(m.value))
            throw new Error(`${m.metric} is not a number`);
          samples.push({ ...m, workload: workload.id, target: name, round });
        }
      } catch (err) {
        failures.push(`${label}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        report(`FAILED: ${String(err)}`);
        if (process.stderr.isTTY) process.stderr.write('\n');
      } finally {
        await instance?.dispose();
      }
    }
  }
}
if (process.stderr.isTTY) process.stderr.write('\n');

const seconds = (performance.now() - started) / 1000;
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}, ${os.platform()} ${os.release()}`;
const rows = aggregate(samples);
console.log(
  `Messenjo benchmarks — ${new Date().toISOString()} — ${machine} — scale ${scale}, ${seconds.toFixed(0)} s`,
);
console.log(
  renderTable(
    rows,
    targets.map((t) => t.name),
  ),
);
if (jsonPath) {
  const result = { date: new Date().toISOString(), machine, scale, seconds, args, rows, samples, failures };
  writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
}
if (failures.length > 0) {
  console.error(`\n${failures.length} run(s) failed:\n${failures.join('\n\n')}`);
  process.exit(1);
}
// Sockets of peers that closed may keep timers alive; the report is out.
process.exit(0);
