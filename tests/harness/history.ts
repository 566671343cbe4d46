import { appendMessage, newMessageId, segmentDocId, SEGMENT_MESSAGES } from '@messenjo/shared';
import * as Y from 'yjs';
import type { TestAccount } from './accounts.ts';
import { RawPeer } from './sync.ts';

/**
 * Writes `segments` full segments of a conversation through the protocol as `author` ("message 1",
 * "message 2", …, `perUpdate` messages per update); returns every message's text in order. The
 * author wrote them all, so the conversation opens at the newest for her (nothing unread).
 */
export async function writeHistory(
  url: string,
  author: TestAccount,
  conversationId: string,
  segments: number,
  perUpdate = 100,
): Promise<string[]> {
  const peer = await RawPeer.connect(url, author.cookie);
  const texts: string[] = [];
  let ref = 1;
  try {
    for (let s = 0; s < segments; s++) {
      const docId = segmentDocId(conversationId, s);
      peer.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
      await peer.next('sync', (f) => f.docId === docId);
      const doc = new Y.Doc();
      for (let i = 0; i < SEGMENT_MESSAGES; i += perUpdate) {
        let update: Uint8Array | undefined;
        doc.once('update', (u: Uint8Array) => (update = u));
        doc.transact(() => {
          for (let j = i; j < i + perUpdate; j++) {
            const text = `message ${s * SEGMENT_MESSAGES + j + 1}`;
            texts.push(text);
            appendMessage(doc, { id: newMessageId(), author: author.userId, text, sentAt: Date.now() });
          }
        });
        const sent = ref++;
        peer.send({ type: 'update', docId, ref: sent, update: update! });
        await peer.next('ack', (f) => f.ref === sent, 15_000);
      }
    }
  } finally {
    peer.close();
  }
  return texts;
}
