import { sleep } from '../stats.ts';
import type { BenchPeer } from '../targets/types.ts';
import type { Workload } from './types.ts';

/** W7: 10,000 connected idle devices (1,000 conversations × 10), each subscribed to its conversation: server RSS per device. */
export const w7Idle: Workload = {
  id: 'W7',
  title: '10,000 idle devices',
  rounds: 1,
  async run(target, { scale, progress }) {
    if (!target) return [];
    const groups = Math.max(50, Math.round(1000 * scale));
    const convs = await target.createConversations(groups, 10);
    await sleep(500);
    const rssBefore = target.serverRssKb() ?? NaN;
    const peers: BenchPeer[] = [];
    for (let g = 0; g < convs.length; g += 20) {
      const batch = convs.slice(g, g + 20);
      const connected = await Promise.all(
        batch.flatMap((conv) =>
          conv.members.map(async (member) => {
            const peer = await target.connect(member);
            await peer.subscribe(conv.docId);
            return peer;
          }),
        ),
      );
      peers.push(...connected);
      if (g % 200 === 0) progress(`${peers.length}/${groups * 10} connected`);
    }
    await sleep(2000);
    const rssAfter = target.serverRssKb() ?? NaN;
    for (const peer of peers) peer.close();
    return [
      {
        metric: `server RSS per idle device (${peers.length})`,
        value: (rssAfter - rssBefore) / peers.length,
        unit: 'KB',
        budget: '≤ 10 KB',
      },
    ];
  },
};
