import { sleep } from '../stats.ts';
import type { Workload } from './types.ts';
import { writeHistory } from './history.ts';

/**
 * W8: 100,000 messages (100 conversations × 1,000, one message per update as devices send them,
 * one user with one device per conversation),
 * then a graceful stop (ours compacts every loaded document's log into a snapshot on shutdown):
 * bytes the server's data folder grew by, per message, against the messages as raw JSON.
 */
export const w8Storage: Workload = {
  id: 'W8',
  title: 'storage of 100k messages',
  rounds: 1,
  async run(target, { scale, progress }) {
    if (!target) return [];
    const conversations = Math.max(5, Math.round(100 * scale));
    const perDoc = 1000;
    // One user and device per conversation: the frame budget and socket caps (per user, LIM2 /
    // LIM3) are not what is measured.
    const convs = await target.createConversations(conversations, 1);
    const docIds = convs.map((c) => c.docId);
    const writers = await Promise.all(convs.map((c) => target.connect(c.members[0]!)));
    await sleep(200);
    // Without the write-ahead log: after the stop it is in the database file (and gone), so
    // counting it before would take the setup's writes off the growth.
    const before = target.storageBytes({ journals: false });
    const { rawJsonBytes } = await writeHistory(writers, docIds, perDoc, 1, progress);
    for (const writer of writers) writer.close();
    // Hocuspocus stores a document when its last connection leaves; give it that moment.
    await sleep(1000);
    progress('stopping the server');
    await target.stop();
    const bytes = target.storageBytes() - before;
    const messages = conversations * perDoc;
    return [
      { metric: `server bytes per message (${messages})`, value: bytes / messages, unit: 'B' },
      { metric: 'server bytes ÷ raw JSON', value: bytes / rawJsonBytes, unit: '×', budget: '≤ 1.0×' },
    ];
  },
};
