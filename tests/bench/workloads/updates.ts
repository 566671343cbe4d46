import { appendMessage, newMessageId } from '@messenjo/shared';
import type * as Y from 'yjs';

/** The update one appended 60-character message produces on a device's document. */
export function messageUpdate(doc: Y.Doc, author: string): Uint8Array {
  let captured: Uint8Array | undefined;
  const listener = (update: Uint8Array): void => {
    captured = update;
  };
  doc.on('update', listener);
  appendMessage(doc, { id: newMessageId(), author, text: 'x'.repeat(60), sentAt: Date.now() });
  doc.off('update', listener);
  return captured!;
}
