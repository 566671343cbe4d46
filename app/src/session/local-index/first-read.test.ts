import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { ConversationRow, TailMessage } from '../conversation-list/list-columns.ts';
import { DeviceSession } from '../device-session.ts';
import { readFirstScreen, readFirstScreenEarly, takeFirstScreen } from './first-read.ts';
import { deleteLocalData, LocalDb, localDbName } from './local-db.ts';
import { tailKey } from './schema.ts';

const row: ConversationRow = {
  id: 'c_one',
  kind: 'direct',
  name: 'Ann',
  picture: null,
  peer: { id: 'u_ann', username: 'ann', displayName: 'Ann', picture: null },
  memberCount: 2,
  lastMessage: null,
  lastActivityAt: 1,
  canWrite: true,
  role: null,
  addMembersPolicy: 'members',
  local: null,
};
const tail: TailMessage[] = [
  { id: 'm1', author: 'u_ann', text: 'hello', sentAt: 1, segment: 0, pos: 0 },
  { id: 'm2', author: 'u_me', text: 'hi Ann', sentAt: 2, segment: 0, pos: 1 },
];

describe('the first read (plain IndexedDB, before Dexie loads)', () => {
  it('reads what Dexie wrote: the rows, and the kept newest messages of the conversation on the address', async () => {
    const db = new LocalDb('u_first');
    await db.conversations.put(row);
    await db.kept.put({ key: tailKey('c_one'), value: tail });
    db.close();
    const first = await readFirstScreen('u_first', 'c_one');
    expect(first.rows.map((r) => r.name)).toEqual(['Ann']);
    expect(first.opening?.messages.map((m) => m.text)).toEqual(['hello', 'hi Ann']);
    expect(first.opening?.detail).toBeUndefined();
    expect((await readFirstScreen('u_first', 'c_other')).opening?.messages).toEqual([]);
    await deleteLocalData('u_first');
  });

  it('finds nothing on a device without the index, and does not create it (Dexie does, with its schema)', async () => {
    const first = await readFirstScreen('u_new', 'c_one');
    expect(first.rows).toEqual([]);
    expect(first.opening).toBeUndefined();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(localDbName('u_new'));
  });

  it('the early read keeps its answer, and a session made with it holds the list and the newest messages as it starts, with no wait', async () => {
    const db = new LocalDb('u_early');
    await db.conversations.put(row);
    await db.kept.put({ key: tailKey('c_one'), value: tail });
    db.close();
    readFirstScreenEarly('u_early', 'c_one');
    const early = takeFirstScreen('u_early');
    await early?.read;
    expect(early?.answered?.opening?.messages.map((m) => m.text)).toEqual(['hello', 'hi Ann']);
    // Taken once: a strict-mode second start reads again.
    expect(takeFirstScreen('u_early')).toBeUndefined();

    const session = new DeviceSession('u_early', {
      firstRead: early!.read,
      firstScreen: early!.answered!,
      fetchJson: () => Promise.reject(new Error('offline')),
    });
    // Synchronously, before any await: the first render after `start()` already has them.
    void session.start();
    expect(session.listReady.get()).toBe(true);
    expect(session.conversations.get().map((r) => r.name)).toEqual(['Ann']);
    expect(session.firstConversation.get()?.messages.map((m) => m.text)).toEqual(['hello', 'hi Ann']);
    await session.dispose();
    await deleteLocalData('u_early');
  });

  it("another user's early read is dropped, and its answer is not shown", () => {
    readFirstScreenEarly('u_someone', 'c_one');
    expect(takeFirstScreen('u_other')).toBeUndefined();
    expect(takeFirstScreen('u_someone')).toBeUndefined();
  });

  it('has no answer to show while IndexedDB has not answered: the session then shows the read when it comes', () => {
    // A read that never answers (a stuck IndexedDB).
    const open = vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest);
    try {
      readFirstScreenEarly('u_stuck');
      const early = takeFirstScreen('u_stuck');
      expect(early).toBeDefined();
      expect(early?.answered).toBeUndefined();
    } finally {
      open.mockRestore();
    }
  });
});
