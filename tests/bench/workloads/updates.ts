import { appendMessage } from '@messenjo/shared';
import type * as Y from 'yjs';
import { messageEntry, updateOf } from '../../harness/sync.ts';

/** The update one appended 60-character message produces on a device's document. */
export function messageUpdate(doc: Y.Doc, author: string, text = 'x'.repeat(60)): Uint8Array {
  return updateOf(doc, (d) => appendMessage(d, messageEntry(author, text)));
}

const MARKER = Buffer.from('MSG:');

/** A 60-character text carrying a number the receiver can find in the raw update without decoding it. */
export const markedText = (n: number): string => `MSG:${String(n).padStart(10, '0')}`.padEnd(60, 'x');

/** Every number `markedText` put in an update (a server may merge several messages into one). */
export function marksOf(update: Uint8Array): number[] {
  const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
  const marks: number[] = [];
  for (let at = bytes.indexOf(MARKER); at >= 0; at = bytes.indexOf(MARKER, at + MARKER.length))
    marks.push(Number(bytes.toString('latin1', at + 4, at + 14)));
  return marks;
}
