import * as Y from 'yjs';
import { ms } from '../stats.ts';
import type { Row, Workload } from './types.ts';
import { messageUpdate } from './updates.ts';

/** W4: a device offline while 10 / 1,000 messages arrive reconnects: bytes and server CPU per catch-up. */
export const w4CatchUp: Workload = {
  id: 'W4',
  title: 'catch-up after 10 / 1,000 missed messages',
  async run(target, scale) {
    if (!target) return [];
    const rows: Row[] = [];
    for (const behind of [10, 1000]) {
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
      const cpuBefore = target.serverCpuMs();
      for (let r = 0; r < repeats; r++) {
        const answer = await reader.subscribe(conv!.docId, point);
        bytes = answer.bytes;
        reader.unsubscribe(conv!.docId);
      }
      const cpu = ((target.serverCpuMs() ?? NaN) - (cpuBefore ?? NaN)) / repeats;
      const check = new Y.Doc();
      Y.applyUpdate(check, Y.encodeStateAsUpdate(readerDoc));
      writer.close();
      reader.close();
      rows.push(
        {
          workload: 'W4',
          target: target.name,
          metric: `${behind} behind: bytes`,
          value: `${bytes} B`,
          budget: behind === 10 ? '≤ 2 KB' : '',
        },
        {
          workload: 'W4',
          target: target.name,
          metric: `${behind} behind: server CPU (${repeats} runs)`,
          value: ms(cpu, 3),
          budget: behind === 10 ? '≤ 1 ms' : '',
        },
      );
    }
    return rows;
  },
};
