import { SYSTEM_AUTHOR, segmentOf } from '@messenjo/shared';
import * as Y from 'yjs';
import type { IndexInput } from './protocol.ts';

/**
 * The searchable messages of one stored segment: its newest texts (edits folded in), without
 * deleted messages and server lines (their text holds user ids, not words anyone wrote).
 */
export function segmentMessages(
  updates: readonly Uint8Array[],
  conversationId: string,
  segment: number,
): IndexInput[] {
  const doc = new Y.Doc();
  try {
    Y.transact(doc, () => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    const { messages, edits, deletions } = segmentOf(doc);
    const out: IndexInput[] = [];
    for (const m of messages.toArray()) {
      if (m.author === SYSTEM_AUTHOR || deletions.has(m.id)) continue;
      out.push({
        id: m.id,
        conversationId,
        segment,
        author: m.author,
        sentAt: m.sentAt,
        text: edits.get(m.id)?.text ?? m.text,
      });
    }
    return out;
  } finally {
    doc.destroy();
  }
}
