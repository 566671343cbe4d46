import * as Y from 'yjs';
import type { Measurement, Workload } from './types.ts';
import { messageUpdate } from './updates.ts';

/**
 * W4: a device offline while 10 / 1,000 messages arrive catches up: bytes and server CPU per
 * catch-up. Ours resumes from a sequence number; the peers from the device's state vector.
 */
export const w4CatchUp: Workload = {
  id: 'W4',
  title: 'catch-up after 10 / 1,000 missed messages',
  rounds: 3,
  async run(target, { scale, progress }) {
    if (!target) return [];
    const rows: Measurement[] = [];
    for (const behind of [10, 1000]) {
      progress(`${behind} behind`);
      const [conv] = await target.createConversations(1, 2);
      const writer = await target.connect(conv!.members[0]!);
      const reader = await target.connect(conv!.members[1]!);
      await writer.subscribe(conv!.docId);
      const writerDoc = new Y.Doc();
      // Some history first, so the document is not trivially small.
      for (let i = 0; i < 200; i++) await writer.send(conv!.docId, messageUpdate(writerDoc, writer.userId));
      const readerDoc = new Y.Doc();
      const first = await reader.subscribe(conv!.docId);
      Y.applyUpdate(readerDoc, first.update);
      const point = { seq: first.point.seq, stateVector: Y.encodeStateVector(readerDoc) };
      reader.unsubscribe(conv!.docId);
      for (let i = 0; i < behind; i++)
        await writer.send(conv!.docId, messageUpdate(writerDoc, writer.userId));
      const repeats = Math.max(5, Math.round((behind === 10 ? 300 : 30) * scale));
      let bytes = 0;
      let answer: Uint8Array | undefined;
      const cpuBefore = target.serverCpuMs();
      for (let r = 0; r < repeats; r++) {
        const caughtUp = await reader.subscribe(conv!.docId, point);
        bytes = caughtUp.bytes;
        answer = caughtUp.update;
        reader.unsubscribe(conv!.docId);
      }
      const cpu = ((target.serverCpuMs() ?? NaN) - (cpuBefore ?? NaN)) / repeats;
      // The answer must really bring the reader up to date (else the bytes mean nothing).
      Y.applyUpdate(readerDoc, answer!);
      if (readerDoc.getArray('messages').length !== writerDoc.getArray('messages').length)
        throw new Error(`catch-up left the reader at ${readerDoc.getArray('messages').length} messages`);
      writer.close();
      reader.close();
      rows.push(
        { metric: `${behind} behind: bytes`, value: bytes, unit: 'B', budget: behind === 10 ? '≤ 2 KB' : '' },
        {
          metric: `${behind} behind: server CPU`,
          value: cpu,
          unit: 'ms',
          budget: behind === 10 ? '≤ 1 ms' : '',
        },
      );
    }
    return rows;
  },
};
