import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ConversationRow, TailMessage } from '../conversation-list/list-columns.ts';
import { readFirstScreen } from './first-read.ts';
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
});
