import { appendMessage, readMessages, segmentDocId } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LOG_PAGE, type DocStore } from '../../../sync-server/src/sync/store/doc-store.ts';
import { freshDatabase } from '../../harness/databases.ts';
import {
  messageEntry,
  RawPeer,
  startInProcessServer,
  tempDataDir,
  type InProcessServer,
} from '../../harness/sync.ts';

/**
 * Issue 18, item 7 (SUB4): a device 10,000 updates behind catches up, and no read of the store
 * returns more than a page of the log, on both engines: the server holds the document it
 * builds, never the whole log it missed. The store the hub reads is the server's own, counted.
 */
const BEHIND = 10_000;
/** The store takes them in batches of this many (as group commits would). */
const BATCH = 1000;

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`${engine}: a device far behind`, () => {
    let server: InProcessServer;
    const data = tempDataDir('messenjo-catch-up-');
    let drop: (() => Promise<void>) | undefined;
    /** How many log entries each read of the hub's returned (a load's log, a `logAfter`). */
    const reads: number[] = [];

    beforeAll(async () => {
      const inner = (): DocStore => server.services.docStore;
      const counted: DocStore = {
        load: async (docId, page) => {
          const stored = await inner().load(docId, page);
          reads.push(stored.log.length);
          return stored;
        },
        logAfter: async (docId, afterSeq, page) => {
          const log = await inner().logAfter(docId, afterSeq, page);
          if (log) reads.push(log.length);
          return log;
        },
        heads: (docIds) => inner().heads(docIds),
        logLength: (docId) => inner().logLength(docId),
        updateSeq: (docId, id, bytes) => inner().updateSeq(docId, id, bytes),
        latestSegments: (ids) => inner().latestSegments(ids),
        appendBatch: (rows, extras) => inner().appendBatch(rows, extras),
        compact: (docId, throughSeq, state) => inner().compact(docId, throughSeq, state),
        close: () => inner().close(),
      };
      let postgresUrl: string | undefined;
      if (engine === 'PostgreSQL') {
        const db = await freshDatabase();
        postgresUrl = db.url;
        drop = db.drop;
      }
      server = await startInProcessServer(data.dir, { store: counted }, postgresUrl ? { postgresUrl } : {});
    });
    afterAll(async () => {
      await server?.close();
      await drop?.();
      data.remove();
    });

    it('[SUB4] a device 10,000 updates behind converges, and the store is read a page at a time', async () => {
      const alice = await server.seed.user('alice', server.publicUrl);
      const bob = await server.seed.user('bob', server.publicUrl);
      const conversation = await server.seed.group('far', [
        { userId: alice.userId, role: 'owner' },
        { userId: bob.userId, role: 'member' },
      ]);
      const docId = segmentDocId(conversation, 0);
      // Bob's device wrote while Alice's was away; she had seen his first message only.
      const writer = new Y.Doc();
      const updates: Uint8Array[] = [];
      writer.on('update', (update: Uint8Array) => updates.push(update));
      for (let i = 0; i <= BEHIND; i++) appendMessage(writer, messageEntry(bob.userId, `message ${i}`));
      const store = server.services.docStore;
      const row = (data: Uint8Array, i: number) => ({
        docId,
        data,
        userId: bob.userId,
        newClients: i === 0 ? [writer.clientID] : [],
      });
      const [seen] = await store.appendBatch([row(updates[0]!, 0)]);
      for (let from = 1; from < updates.length; from += BATCH)
        await store.appendBatch(updates.slice(from, from + BATCH).map((u, i) => row(u, from + i)));
      const device = new Y.Doc();
      Y.applyUpdate(device, updates[0]!);

      const peer = await RawPeer.connect(server.url, alice.cookie);
      peer.send({
        type: 'subscribe',
        docs: [{ docId, seq: seen!, stateVector: Y.encodeStateVector(device) }],
      });
      const sync = await peer.next('sync', (f) => f.docId === docId);
      Y.applyUpdate(device, sync.update);
      peer.close();

      expect(sync.seq).toBe(seen! + BEHIND);
      const texts = readMessages(device).map((m) => m.text);
      expect(texts).toHaveLength(BEHIND + 1);
      expect(texts.at(-1)).toBe(`message ${BEHIND}`);
      // Every read was a page at most, and it took many of them.
      expect(Math.max(...reads)).toBeLessThanOrEqual(LOG_PAGE.rows);
      expect(reads.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(BEHIND);
    });
  });
}
