import {
  appendMessage,
  newMessageId,
  SEGMENT_MESSAGES,
  segmentOf,
  type MessageEntry,
} from '@messenjo/shared';
import * as Y from 'yjs';
import { ms, summarize } from '../stats.ts';
import type { Row, Workload } from './types.ts';

const entry = (author: string): MessageEntry => ({
  id: newMessageId(),
  author,
  text: 'x'.repeat(60),
  sentAt: Date.now(),
});

/** A document of `size` messages, and a second replica of it (another member's device). */
function pair(size: number): { mine: Y.Doc; theirs: Y.Doc } {
  const mine = new Y.Doc();
  const { messages } = segmentOf(mine);
  mine.transact(() => {
    for (let i = 0; i < size; i += 1000)
      messages.insert(
        messages.length,
        Array.from({ length: Math.min(1000, size - i) }, () => entry('u_other')),
      );
  });
  const theirs = new Y.Doc();
  Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
  return { mine, theirs };
}

/** Device CPU of one local append; `afterRemote`: someone else's message arrived just before (resets Yjs search markers). */
function measure(size: number, afterRemote: boolean, samples: number): number[] {
  const { mine, theirs } = pair(size);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (afterRemote) {
      let remote: Uint8Array | undefined;
      theirs.once('update', (u: Uint8Array) => (remote = u));
      appendMessage(theirs, entry('u_other'));
      Y.applyUpdate(mine, remote!);
    }
    const start = performance.now();
    appendMessage(mine, entry('u_me'));
    times.push(performance.now() - start);
    if (afterRemote) Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine, Y.encodeStateVector(theirs)));
  }
  return times;
}

/** W9: appending one message to a 100k-message conversation, on the device. */
export const w9LocalSend: Workload = {
  id: 'W9',
  title: 'local send into a 100k-message conversation',
  deviceOnly: true,
  run(_target, scale) {
    const samples = Math.max(50, Math.round(300 * scale));
    const rows: Row[] = [];
    const cases = [
      { layout: `segment of ${SEGMENT_MESSAGES} (ours)`, size: SEGMENT_MESSAGES },
      { layout: 'one doc of 100k', size: 100_000 },
    ];
    for (const { layout, size } of cases) {
      for (const afterRemote of [false, true]) {
        const { p50, p99 } = summarize(measure(size, afterRemote, samples));
        rows.push({
          workload: 'W9',
          target: 'device (yjs)',
          metric: `${layout}, ${afterRemote ? 'after a remote message' : 'consecutive'}: p50 / p99`,
          value: `${ms(p50, 3)} / ${ms(p99, 3)}`,
          budget: '≤ 1 ms',
        });
      }
    }
    return Promise.resolve(rows);
  },
};
