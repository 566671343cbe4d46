import * as Y from 'yjs';
import type { Workload } from './types.ts';
import { writeHistory } from './history.ts';

/**
 * W5: a user with 100 conversations × 1,000 messages opens a new device: time from the socket
 * opening until every conversation's messages are applied locally, and the bytes received. The
 * history is written through the server's own protocol first (100 messages per update, so the
 * setup stays short); ours asks for all conversations in one subscribe frame, Hocuspocus over one
 * socket, y-websocket one socket per document.
 */
export const w5NewDevice: Workload = {
  id: 'W5',
  title: 'new device: 100 conversations × 1,000 messages',
  rounds: 2,
  async run(target, { scale, progress }) {
    if (!target) return [];
    const conversations = Math.max(5, Math.round(100 * scale));
    const perDoc = 1000;
    const { device, docIds } = await target.createUserConversations(conversations);
    const writer = await target.connect(device);
    const { rawJsonBytes } = await writeHistory(
      docIds.map(() => writer),
      docIds,
      perDoc,
      100,
      progress,
    );

    progress('new device syncing');
    const newDevice = await target.addDevice(device.userIndex);
    const cpuBefore = target.serverCpuMs();
    const start = performance.now();
    const peer = await target.connect(newDevice);
    const { bytes, updates } = await peer.subscribeMany(docIds);
    let messages = 0;
    for (const update of updates) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, update);
      messages += doc.getArray('messages').length;
    }
    const ms = performance.now() - start;
    const cpu = (target.serverCpuMs() ?? NaN) - (cpuBefore ?? NaN);
    peer.close();
    writer.close();
    if (messages !== conversations * perDoc)
      throw new Error(`new device has ${messages} of ${conversations * perDoc} messages`);
    return [
      {
        metric: `time until all local (${conversations} × ${perDoc})`,
        value: ms,
        unit: 'ms',
        budget: '≤ 2 s',
      },
      { metric: 'bytes received ÷ raw JSON', value: bytes / rawJsonBytes, unit: '×', budget: '≤ 1.2×' },
      { metric: 'server CPU', value: cpu, unit: 'ms' },
    ];
  },
};
