import { appendMessage, segmentDocId, segmentOf, type MessageEntry } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocStore } from '../../../sync-server/src/sync/store/doc-store.ts';
import {
  eventually,
  RawPeer,
  startInProcessServer,
  tempDataDir,
  type InProcessServer,
} from '../../harness/sync.ts';

/**
 * Commits run beside the event loop (a worker thread in the server), so nothing but the acks
 * waits for them. The in-process server runs the hub over its real store, behind a gate the test
 * holds: a commit "in progress" for as long as the test wants, with no sleeps.
 */
let server: InProcessServer;
const data = tempDataDir('messenjo-pipeline-');
let gateOpen = true;
let releaseGate: () => void = () => {};
let gate: Promise<void> = Promise.resolve();
/** Commits that reached the store and wait at the gate. */
let held = 0;

const hold = () => {
  gateOpen = false;
  gate = new Promise((resolve) => (releaseGate = resolve));
};
const release = () => {
  gateOpen = true;
  releaseGate();
};

beforeAll(async () => {
  const inner = (): DocStore => server.services.docStore;
  const gated: DocStore = {
    load: (docId) => inner().load(docId),
    heads: (docIds) => inner().heads(docIds),
    logAfter: (docId, afterSeq) => inner().logAfter(docId, afterSeq),
    logLength: (docId) => inner().logLength(docId),
    updateSeq: (docId, id, data) => inner().updateSeq(docId, id, data),
    latestSegments: (ids) => inner().latestSegments(ids),
    appendBatch: async (rows, extras) => {
      if (!gateOpen) {
        held++;
        await gate;
        held--;
      }
      return inner().appendBatch(rows, extras);
    },
    compact: (docId, throughSeq, state) => inner().compact(docId, throughSeq, state),
    close: () => inner().close(),
  };
  server = await startInProcessServer(data.dir, { store: gated });
});
afterAll(async () => {
  release();
  await server.close();
  data.remove();
});

let n = 0;
const entry = (author: string, text: string): MessageEntry => ({
  id: `pipe${++n}xxxxxxx`,
  author,
  text,
  sentAt: 1,
});

function say(peer: RawPeer, doc: Y.Doc, docId: string, ref: number, message: MessageEntry): void {
  let update: Uint8Array | undefined;
  doc.once('update', (u: Uint8Array) => (update = u));
  appendMessage(doc, message);
  peer.send({ type: 'update', docId, ref, update: update! });
}

async function subscribe(peer: RawPeer, docId: string, seq = 0, doc = new Y.Doc()) {
  peer.send({ type: 'subscribe', docs: [{ docId, seq, stateVector: Y.encodeStateVector(doc) }] });
  const sync = await peer.next('sync', (f) => f.docId === docId);
  Y.applyUpdate(doc, sync.update);
  return {
    sync,
    doc,
    texts: () =>
      segmentOf(doc)
        .messages.toArray()
        .map((m) => m.text),
  };
}

/** Message texts inside an update (what a `sync` carried). */
function textsIn(update: Uint8Array): string[] {
  return Y.decodeUpdate(update).structs.flatMap((struct) =>
    struct instanceof Y.Item && struct.content instanceof Y.ContentAny
      ? (struct.content.arr as { text?: unknown }[]).flatMap((v) =>
          typeof v?.text === 'string' ? [v.text] : [],
        )
      : [],
  );
}

async function people() {
  const alice = await server.seed.user(`alice${++n}`, server.publicUrl);
  const bob = await server.seed.user(`bob${++n}`, server.publicUrl);
  const conv = await server.seed.group('g', [
    { userId: alice.userId, role: 'owner' },
    { userId: bob.userId, role: 'member' },
  ]);
  return { alice, bob, docId: segmentDocId(conv, 0) };
}

describe('commits beside the event loop', () => {
  it('[RL1] relays reach the other member while the commit ahead of them is in progress; [UP3] acks follow their commits, in order', async () => {
    const { alice, bob, docId } = await people();
    const a = await RawPeer.connect(server.url, alice.cookie);
    const b = await RawPeer.connect(server.url, bob.cookie);
    await subscribe(a, docId);
    const bob1 = await subscribe(b, docId);
    const doc = new Y.Doc();
    hold();
    say(a, doc, docId, 1, entry(alice.userId, 'one'));
    Y.applyUpdate(bob1.doc, (await b.next('update')).update);
    await eventually(() => held === 1, 'the first commit waits at the gate');
    // A second message, sent while the first one's commit is in progress, is relayed at once too.
    say(a, doc, docId, 2, entry(alice.userId, 'two'));
    Y.applyUpdate(bob1.doc, (await b.next('update')).update);
    expect(bob1.texts()).toEqual(['one', 'two']);
    expect(a.frames.filter((f) => f.type === 'ack')).toEqual([]);
    expect(b.frames.filter((f) => f.type === 'head')).toEqual([]);
    release();
    expect(await a.next('ack')).toMatchObject({ ref: 1, seq: 1 });
    expect(await a.next('ack')).toMatchObject({ ref: 2, seq: 2 });
    // Acked once durable: both are in the store by now.
    expect((await server.services.docStore.heads([docId])).get(docId)).toBe(2);
    expect((await b.next('head', (f) => f.seq === 2)).docId).toBe(docId);
    a.close();
    b.close();
  });

  it('[SUB3] a device subscribing while a commit is in progress gets the committing update with the committed head, then its head (HD1); nothing twice', async () => {
    const { alice, bob, docId } = await people();
    const a = await RawPeer.connect(server.url, alice.cookie);
    await subscribe(a, docId);
    const doc = new Y.Doc();
    say(a, doc, docId, 1, entry(alice.userId, 'stored'));
    await a.next('ack', (f) => f.ref === 1);
    const atSeq1 = Y.encodeStateAsUpdate(doc);

    hold();
    say(a, doc, docId, 2, entry(alice.userId, 'committing'));
    await eventually(() => held === 1, 'the commit waits at the gate');
    // A new device: everything, including the update still committing; the head it is told is durable.
    const fresh = await RawPeer.connect(server.url, bob.cookie);
    const fromNothing = await subscribe(fresh, docId);
    expect(fromNothing.texts()).toEqual(['stored', 'committing']);
    expect(fromNothing.sync.seq).toBe(1);
    // A device that had seq 1: only the committing update (not the stored one again).
    const back = await RawPeer.connect(server.url, bob.cookie);
    const had = new Y.Doc();
    Y.applyUpdate(had, Y.encodeStateAsUpdate(fromNothing.doc));
    const before = new Y.Doc();
    Y.applyUpdate(before, atSeq1);
    const resumed = await subscribe(back, docId, 1, before);
    expect(resumed.sync.seq).toBe(1);
    expect(textsIn(resumed.sync.update)).toEqual(['committing']);
    expect(resumed.texts()).toEqual(['stored', 'committing']);
    release();
    expect((await fresh.next('head', (f) => f.seq === 2)).docId).toBe(docId);
    expect((await back.next('head', (f) => f.seq === 2)).docId).toBe(docId);
    expect(await a.next('ack', (f) => f.ref === 2)).toMatchObject({ seq: 2 });
    // After the commit, resuming from the head it announced brings nothing new.
    const later = await RawPeer.connect(server.url, bob.cookie);
    const after = await subscribe(later, docId, 2, had);
    expect(after.texts()).toEqual(['stored', 'committing']);
    expect(textsIn(after.sync.update)).toEqual([]);
    for (const peer of [a, fresh, back, later]) peer.close();
  });
});
