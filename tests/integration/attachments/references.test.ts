import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  appendMessage,
  ATTACHMENT_LIMITS,
  deleteMessage,
  segmentDocId,
  segmentOf,
  type AttachmentEntry,
  type ConversationDetail,
  type MessageEntry,
} from '@messenjo/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { makeFriends, ok } from '../../harness/social.ts';
import { eventually, messageEntry, RawPeer, replicaOf, updateOf } from '../../harness/sync.ts';
import { downloadBlob, fakeCiphertext, uploadBlob } from '../../harness/uploads.ts';

/** A short grace period, so that freeing is seen within a test (the sweep runs every quarter of it, at least every 250 ms). */
const GRACE_MS = 4_000;

/** A file entry for stand-in ciphertext of `bytes` bytes (one chunk: the plaintext is 16 bytes less). */
const fileEntry = (blob: string, bytes: number): AttachmentEntry => ({
  kind: 'file',
  cipher: 'aes256gcm-chunked-v1',
  blob,
  key: 'A'.repeat(42) + 'w',
  size: bytes - ATTACHMENT_LIMITS.GCM_TAG_BYTES,
  chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
  type: 'application/pdf',
  name: 'minutes.pdf',
});

/** Blob references following messages through the real built server (REF1, REF2). */
describe('attachments referenced by messages', () => {
  const server = useServer('attachments-references', { env: { ATTACHMENT_GRACE_MS: String(GRACE_MS) } });
  const url = (): string => server().url;
  let ann: TestAccount;
  let bob: TestAccount;
  let group: string;
  beforeAll(async () => {
    [ann, bob] = await Promise.all([signUp(url()), signUp(url())]);
    await makeFriends(url(), ann, bob);
    group = (
      await ok<ConversationDetail>(
        authedFetch(url(), ann, '/api/groups', {
          method: 'POST',
          body: JSON.stringify({ name: 'Minutes', memberIds: [bob.userId] }),
        }),
        'create group',
      )
    ).id;
  });
  const blobFile = (blob: string): string => path.join(server().dataDir, 'blobs', blob.slice(0, 2), blob);

  /** Ann writes one change to the group's segment 0 and waits for its ack. */
  async function annWrites(change: (doc: Y.Doc) => void): Promise<void> {
    const peer = await RawPeer.connect(url(), ann.cookie);
    const docId = segmentDocId(group, 0);
    const doc = await replicaOf(peer, docId);
    peer.send({ type: 'update', docId, ref: 1, update: updateOf(doc, (d) => d.transact(() => change(d))) });
    const acked = await peer.next('ack', (f) => f.ref === 1);
    expect(acked.seq).toBeGreaterThan(0);
    peer.close();
  }

  it('[REF1] [REF2] a sent file outlives the grace period; deleted, its bytes are freed after it; a removed member cannot fetch a sent one', async () => {
    const kept = fakeCiphertext(5_000);
    const dropped = fakeCiphertext(6_000);
    for (const data of [kept, dropped]) expect((await uploadBlob(url(), ann, group, data)).status).toBe(204);
    const keptMessage = { ...messageEntry(ann.userId, 'kept'), attachments: [fileEntry(kept.blob, 5_000)] };
    const droppedMessage: MessageEntry = {
      ...messageEntry(ann.userId, ''),
      attachments: [fileEntry(dropped.blob, 6_000)],
    };
    await annWrites((d) => {
      appendMessage(d, keptMessage);
      appendMessage(d, droppedMessage);
    });
    // An upload never sent is freed after the grace period: sent ones are not.
    const unsent = fakeCiphertext(1_000);
    expect((await uploadBlob(url(), ann, group, unsent)).status).toBe(204);
    await eventually(() => !existsSync(blobFile(unsent.blob)), 'the unsent upload freed');
    expect(existsSync(blobFile(kept.blob))).toBe(true);
    expect(existsSync(blobFile(dropped.blob))).toBe(true);

    await annWrites((d) => {
      expect(
        segmentOf(d)
          .messages.toArray()
          .map((m) => m.id),
      ).toContain(droppedMessage.id);
      deleteMessage(d, droppedMessage.id, ann.userId, Date.now());
    });
    await eventually(() => !existsSync(blobFile(dropped.blob)), 'the deleted message’s file freed');
    expect((await downloadBlob(url(), bob, dropped.blob)).status).toBe(404);
    expect(existsSync(blobFile(kept.blob))).toBe(true);
    expect((await downloadBlob(url(), bob, kept.blob)).status).toBe(200);

    await ok(
      authedFetch(url(), ann, `/api/groups/${group}/members/${bob.userId}`, { method: 'DELETE' }),
      'remove Bob',
    );
    expect((await downloadBlob(url(), bob, kept.blob)).status).toBe(404);
    expect((await downloadBlob(url(), ann, kept.blob)).status).toBe(200);
  });
});
