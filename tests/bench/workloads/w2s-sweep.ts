import { summarize } from '../stats.ts';
import type { Measurement, Workload } from './types.ts';
import { latencyGrows, offerLoad, setUpGroups } from './fan-out-load.ts';

const RATES = [250, 500, 1000, 2000, 4000, 8000];
const P99_LIMIT_MS = 50;

/**
 * W2s (docs/workloads.md): W2's shape (100 groups × 10 devices) at an offered rate doubling from 250
 * msgs/s; a rate is sustained when every delivery arrived, p99 < 50 ms and latency did not grow
 * over the step. Stops at the first backlog (a delivery missing 3 s after the step or latency
 * growing); reports the highest sustained rate, and p99 and server CPU at every rate it ran.
 */
export const w2sSweep: Workload = {
  id: 'W2S',
  title: 'fan-out sweep: 100 groups × 10 devices, 250 → 8,000 msgs/s',
  rounds: 3,
  async run(target, { scale, progress }) {
    if (!target) return [];
    const groups = Math.max(5, Math.round(100 * scale));
    const seconds = scale < 0.5 ? 2 : 4;
    progress(`setting up ${groups} groups`);
    const set = await setUpGroups(target, groups);
    progress('warming up');
    await offerLoad(set, 100, 1, 3000); // loads every document and warms the JIT: not measured
    const measured: Measurement[] = [];
    let sustained = 0;
    for (const rate of RATES) {
      progress(`${rate} msgs/s for ${seconds} s`);
      const cpuBefore = target.serverCpuMs();
      const started = performance.now();
      const phase = await offerLoad(set, rate, seconds, 3000);
      const cpuMs = (target.serverCpuMs() ?? NaN) - (cpuBefore ?? NaN);
      const cpu = cpuMs / 10 / ((performance.now() - started) / 1000);
      const { p99 } = summarize(phase.latencies);
      const grows = latencyGrows(phase.byMessage);
      // A backlog ends the sweep; a p99 over the limit only marks the rate as not sustained, and
      // the sweep goes on, so a shared machine's scheduling stalls still leave a curve to compare.
      const backlog = phase.missing > 0 || grows || phase.offeredPerSecond < rate * 0.9;
      const ok = !backlog && p99 < P99_LIMIT_MS;
      progress(
        `${rate}/s: offered ${phase.offeredPerSecond.toFixed(0)}/s, p99 ${p99.toFixed(1)} ms, ` +
          `${phase.missing} missing, latency ${grows ? 'grows' : 'steady'}: ${ok ? 'sustained' : backlog ? 'backlog' : 'p99 over the limit'}`,
      );
      measured.push({ metric: `p99 at ${rate}/s`, value: p99, unit: 'ms' });
      measured.push({ metric: `server CPU at ${rate}/s, % of one core`, value: cpu, unit: '%' });
      // Work per message does not depend on how much of the shared machine the server was given.
      measured.push({
        metric: `server CPU per message at ${rate}/s`,
        value: cpuMs / Math.round(rate * seconds),
        unit: 'ms',
      });
      if (ok) sustained = rate;
      if (backlog) break;
    }
    for (const peer of set.peers.flat()) peer.close();
    return [
      { metric: 'highest sustained rate', value: sustained, unit: '/s', budget: '≥ 2× Hocuspocus' },
      ...measured,
    ];
  },
};
