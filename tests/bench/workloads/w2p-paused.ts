import { sleep } from '../stats.ts';
import type { BenchPeer } from '../targets/types.ts';
import type { Workload } from './types.ts';
import { MEMBERS, offerLoad, setUpGroups } from './fan-out-load.ts';

const RATE_PER_GROUP = 20;
const PAUSED_DEVICES = 100;

/**
 * W2p (issue 10, bounded memory): W2's load with 100 extra devices (more devices of the groups'
 * members, spread over the groups, each subscribed to its group), first all reading, then all paused (their TCP sockets stop
 * reading). Peak server RSS of each phase; the paused phase runs second, on top of the first,
 * so any growth it shows is counted against it.
 */
export const w2pPaused: Workload = {
  id: 'W2P',
  title: 'fan-out with 100 paused devices: server RSS',
  rounds: 1,
  async run(target, { scale, progress }) {
    if (!target) return [];
    const groups = Math.max(5, Math.round(100 * scale));
    const seconds = scale < 0.5 ? 3 : 10;
    const rate = groups * RATE_PER_GROUP;
    progress(`setting up ${groups} groups and ${PAUSED_DEVICES} extra devices`);
    const set = await setUpGroups(target, groups);
    // Users are made in order, MEMBERS per group (member m of group g is user g × 10 + m); the
    // 100 extra devices, at any scale, go to members 0, 1, … of each group in turn.
    const extra: BenchPeer[] = [];
    for (let i = 0; i < PAUSED_DEVICES; i++) {
      const g = i % groups;
      const peer = await target.connect(
        await target.addDevice(g * MEMBERS + (Math.floor(i / groups) % MEMBERS)),
      );
      await peer.subscribe(set.docIds[g]!);
      extra.push(peer);
    }
    progress(`${rate} msgs/s, every device reading`);
    let peakReading = target.serverRssKb() ?? NaN;
    let lastSample = 0;
    const sample = (into: (kb: number) => void) => () => {
      if (performance.now() - lastSample < 100) return;
      lastSample = performance.now();
      into(target.serverRssKb() ?? NaN);
    };
    const reading = await offerLoad(
      set,
      rate,
      seconds,
      5000,
      sample((kb) => (peakReading = Math.max(peakReading, kb))),
    );
    await sleep(500);
    progress(`${rate} msgs/s, ${PAUSED_DEVICES} devices paused`);
    for (const peer of extra) peer.pauseReading();
    let peakPaused = target.serverRssKb() ?? NaN;
    const paused = await offerLoad(
      set,
      rate,
      seconds,
      5000,
      sample((kb) => (peakPaused = Math.max(peakPaused, kb))),
    );
    await sleep(500);
    const afterPaused = target.serverRssKb() ?? NaN;
    for (const peer of [...set.peers.flat(), ...extra]) peer.close();
    if (reading.missing > 0 || paused.missing > 0)
      throw new Error(`${reading.missing + paused.missing} deliveries missing`);
    return [
      { metric: `peak RSS, ${PAUSED_DEVICES} extra devices reading`, value: peakReading / 1024, unit: 'MB' },
      { metric: `peak RSS, ${PAUSED_DEVICES} extra devices paused`, value: peakPaused / 1024, unit: 'MB' },
      { metric: 'RSS after the paused phase', value: afterPaused / 1024, unit: 'MB' },
      {
        metric: 'peak RSS paused ÷ reading',
        value: peakPaused / peakReading,
        unit: '×',
        budget: '≤ 1.2×',
      },
    ];
  },
};
