import { appendMessage, newMessageId, type MessageEntry } from '@messenjo/shared';
import * as Y from 'yjs';
import type { BenchPeer } from '../targets/types.ts';

/** 60 characters that do not compress to nothing (LevelDB compresses its tables; real text is not one letter). */
function varied60(): string {
  let text = '';
  while (text.length < 60) text += Math.random().toString(36).slice(2);
  return text.slice(0, 60);
}

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
              text: varied60(),
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
