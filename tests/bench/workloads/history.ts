import { appendMessage, newMessageId, type MessageEntry } from '@messenjo/shared';
import * as Y from 'yjs';
import type { BenchPeer } from '../targets/types.ts';

/**
 * Writes `perDoc` messages into each document through the target's own protocol, `batch` messages
 * per update (1 = as devices send them), all documents in parallel, `peers[i]` writing `docIds[i]`
 * (the same device may appear for several); resolves when every update is acknowledged. Returns the
 * messages' size as raw JSON (what a naive server would store).
 */
export async function writeHistory(
  peers: BenchPeer[],
  docIds: string[],
  perDoc: number,
  batch: number,
  progress: (detail: string) => void,
): Promise<{ rawJsonBytes: number; docs: Y.Doc[] }> {
  let rawJsonBytes = 0;
  let written = 0;
  await Promise.all(docIds.map((docId, i) => peers[i]!.subscribe(docId)));
  const docs = await Promise.all(
    docIds.map(async (docId, d) => {
      const peer = peers[d]!;
      const doc = new Y.Doc();
      for (let i = 0; i < perDoc; i += batch) {
        let update: Uint8Array | undefined;
        doc.once('update', (u: Uint8Array) => (update = u));
        doc.transact(() => {
          for (let j = i; j < Math.min(perDoc, i + batch); j++) {
            const entry: MessageEntry = {
              id: newMessageId(),
              author: peer.userId,
              text: 'x'.repeat(60),
              sentAt: Date.now(),
            };
            rawJsonBytes += Buffer.byteLength(JSON.stringify(entry));
            appendMessage(doc, entry);
          }
        });
        await peer.send(docId, update!);
        written += Math.min(batch, perDoc - i);
        if (written % 5000 < batch) progress(`history: ${written}/${perDoc * docIds.length} messages`);
      }
      return doc;
    }),
  );
  return { rawJsonBytes, docs };
}
