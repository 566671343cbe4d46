import 'fake-indexeddb/auto';
import sqlite3InitModule, { type Database } from '@sqlite.org/sqlite-wasm';
import {
  appendMessage,
  deleteMessage,
  editMessage,
  newMessageId,
  segmentDocId,
  systemMessage,
  type MessageEntry,
} from '@messenjo/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IndexedDbPersistence } from '../sync/core/persistence.ts';
import { FtsIndex } from './fts-index.ts';
import { SearchEngine } from './search-engine.ts';

let sqlite3: Awaited<ReturnType<typeof sqlite3InitModule>>;
beforeAll(async () => {
  sqlite3 = await sqlite3InitModule();
});

let dbs = 0;
const entry = (author: string, text: string, sentAt: number): MessageEntry => ({
  id: newMessageId(),
  author,
  text,
  sentAt,
});

/** A device's stored documents, written by the sync client's own persistence. */
function device() {
  const name = `sync-test-${++dbs}`;
  const persistence = new IndexedDbPersistence(name);
  const store = async (docId: string, doc: Y.Doc) =>
    persistence.appendUpdate(docId, Y.encodeStateAsUpdate(doc));
  return { name, persistence, store };
}

function engineOn(db: Database, syncDbName: string) {
  const progress: { done: number; total: number }[] = [];
  const engine = new SearchEngine({
    index: new FtsIndex(db),
    syncDbName,
    onProgress: (p) => progress.push(p),
  });
  return { engine, progress };
}

describe('the search worker’s engine', () => {
  it('builds the index from every stored segment on its first run: edits folded in, deletions and server lines left out', async () => {
    const { name, persistence, store } = device();
    const older = new Y.Doc();
    const hello = entry('u_ann', 'hello from the old days', 1);
    const typo = entry('u_ann', 'meet at the habrour', 2);
    const gone = entry('u_ben', 'secret plan', 3);
    for (const m of [hello, typo, gone]) appendMessage(older, m);
    appendMessage(older, systemMessage({ kind: 'group_renamed', actorId: 'u_ann', name: 'secret' }, 4));
    editMessage(older, typo.id, 'meet at the harbour', 5);
    deleteMessage(older, gone.id, 'u_ben', 6);
    await store(segmentDocId('c_one', 0), older);
    const newer = new Y.Doc();
    appendMessage(newer, entry('u_ben', 'hello again', 10));
    await store(segmentDocId('c_one', 1), newer);
    await persistence.setSeq('user:u_ann', 3);

    const { engine, progress } = engineOn(new sqlite3.oo1.DB(':memory:'), name);
    await engine.caughtUp;
    expect(progress.at(-1)).toEqual({ done: 2, total: 2 });
    expect(engine.search('hello', 10).map((h) => h.text)).toEqual(['hello again', 'hello from the old days']);
    expect(engine.search('harbour', 10).map((h) => [h.id, h.segment])).toEqual([[typo.id, 0]]);
    expect(engine.search('habrour', 10)).toEqual([]);
    expect(engine.search('secret', 10)).toEqual([]);
    engine.close();
  });

  it('reads again only the documents whose stored rows changed, and keeps changes handed over meanwhile', async () => {
    const { name, store } = device();
    const doc = new Y.Doc();
    const first = entry('u_ann', 'first words', 1);
    appendMessage(doc, first);
    await store(segmentDocId('c_one', 0), doc);
    const other = new Y.Doc();
    appendMessage(other, entry('u_ann', 'untouched words', 0));
    await store(segmentDocId('c_two', 0), other);
    const file = new sqlite3.oo1.DB(':memory:');
    const run1 = engineOn(file, name);
    await run1.engine.caughtUp;

    // While closed: an edit stored in c_one. The next start reads that document alone.
    editMessage(doc, first.id, 'first edited words', 2);
    await store(segmentDocId('c_one', 0), doc);
    const index2 = new FtsIndex(file);
    const progress: { done: number; total: number }[] = [];
    const engine = new SearchEngine({ index: index2, syncDbName: name, onProgress: (p) => progress.push(p) });
    // A message the page saw before the stored document caught up with it.
    const live = entry('u_ben', 'live words', 3);
    engine.change([{ ...live, conversationId: 'c_one', segment: 0 }], []);
    await engine.caughtUp;
    expect(progress.at(-1)).toEqual({ done: 1, total: 1 });
    expect(engine.search('edited', 10).map((h) => h.id)).toEqual([first.id]);
    expect(engine.search('words', 10).map((h) => h.text)).toEqual([
      'live words',
      'first edited words',
      'untouched words',
    ]);
    engine.change([], [live.id]);
    expect(engine.search('live', 10)).toEqual([]);
  });

  it('does not create the documents’ database when it does not exist yet', async () => {
    const { engine } = engineOn(new sqlite3.oo1.DB(':memory:'), 'never-made');
    await engine.caughtUp;
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain('never-made');
    engine.change(
      [
        {
          id: 'm000000001',
          conversationId: 'c_x',
          segment: 0,
          author: 'u_a',
          sentAt: 1,
          text: 'still indexed',
        },
      ],
      [],
    );
    expect(engine.search('indexed', 5)).toHaveLength(1);
  });
});
