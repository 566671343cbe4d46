import 'fake-indexeddb/auto';
import { appendMessage, segmentDocId, userDocId, type MessageEntry } from '@messenjo/shared';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { reportUnauthenticated } from '../api/client.ts';
import { IndexedDbPersistence, syncDbName } from '../sync/index.ts';
import { countKeptUnsent, expiredAccount, settleKeptData } from './expired-account.ts';
import { endedWhileAway, expiredNotice, SessionEnd, type ServerEnded } from './server-ended.ts';
import { memoryStorage } from '../lib/memory-storage.ts';

const ALICE = 'u_alice';

/** Alice's device with two messages and a read position waiting in its outbox, as the sync client keeps them. */
async function deviceWithUnsent(): Promise<IndexedDbPersistence> {
  const persistence = new IndexedDbPersistence(syncDbName(ALICE));
  const segment = new Y.Doc();
  const basis = Y.encodeStateVector(segment);
  const outbox: Uint8Array[] = [];
  segment.on('update', (update: Uint8Array) => outbox.push(update));
  for (const text of ['one', 'two']) {
    const entry: MessageEntry = { id: `m_${text}`, author: ALICE, text, sentAt: Date.now() };
    appendMessage(segment, entry);
  }
  const docId = segmentDocId('c_direct', 0);
  for (const [ref, update] of outbox.entries()) await persistence.addOutbox(docId, ref + 1, update, basis);
  // A change that is not a message (read positions, drafts live in the user's document).
  const userDoc = new Y.Doc();
  userDoc.getMap('drafts').set('c_direct', 'half a thought');
  await persistence.addOutbox(userDocId(ALICE), 1, Y.encodeStateAsUpdate(userDoc), basis);
  return persistence;
}

/** Alice's session on this device, ended the way a 401 or the socket ends it. */
function aliceSession(persistence: IndexedDbPersistence) {
  const ended: (ServerEnded | undefined)[] = [];
  const end = new SessionEnd({
    userId: ALICE,
    name: () => 'Alice',
    dispose: () => persistence.close(),
    onSignedOut: (reason) => ended.push(reason),
    hearUnauthenticated: true,
  });
  return { end, ended };
}

describe('how a session the server ended leaves the device (SE1)', () => {
  beforeAll(() => {
    vi.stubGlobal('localStorage', memoryStorage());
  });
  const ends: SessionEnd[] = [];
  afterEach(() => {
    for (const end of ends.splice(0)) end.close();
  });

  it('an expired session keeps the outbox and names its person; she signs in again and it is reopened', async () => {
    const { end, ended } = aliceSession(await deviceWithUnsent());
    ends.push(end);
    reportUnauthenticated('session_expired');
    await vi.waitFor(() => expect(ended).toEqual(['session_expired']));
    expect(end.wiped).toBe(false);
    expect(expiredAccount.get()).toMatchObject({ userId: ALICE, name: 'Alice' });
    // Two messages wait; the draft is not a message.
    expect(await countKeptUnsent(ALICE)).toBe(2);
    expect(expiredNotice('Alice', 2)).toBe(
      'Your session expired. Sign in again as Alice to send your 2 unsent messages.',
    );

    // Still expired at the next start: nothing changes.
    await settleKeptData({ signedOut: 'session_expired' });
    expect(expiredAccount.get()?.userId).toBe(ALICE);
    await settleKeptData({ signedIn: ALICE });
    expect(expiredAccount.get()).toBeNull();
    expect(await countKeptUnsent(ALICE)).toBe(2);
    await settleKeptData({ signedIn: 'u_bob' }); // nothing kept any more: Alice's data is hers again
    expect(await countKeptUnsent(ALICE)).toBe(2);
  });

  it('another account signing in on the device removes what the expired one kept, before it opens', async () => {
    const { end, ended } = aliceSession(await deviceWithUnsent());
    ends.push(end);
    await end.endedByServer('session_expired');
    expect(ended).toEqual(['session_expired']);
    await settleKeptData({ signedIn: 'u_bob' });
    expect(expiredAccount.get()).toBeNull();
    expect(await countKeptUnsent(ALICE)).toBe(0);
    expect((await indexedDB.databases()).map((db) => db.name)).not.toContain(syncDbName(ALICE));
  });

  it('a session revoked from another device wipes at once; one revoked while expired wipes at the next start', async () => {
    const revoked = aliceSession(await deviceWithUnsent());
    ends.push(revoked.end);
    reportUnauthenticated('unauthenticated');
    await vi.waitFor(() => expect(revoked.ended).toEqual(['unauthenticated']));
    expect(revoked.end.wiped).toBe(true);
    expect(expiredAccount.get()).toBeNull();
    expect(await countKeptUnsent(ALICE)).toBe(0);

    const expired = aliceSession(await deviceWithUnsent());
    ends.push(expired.end);
    await expired.end.endedByServer('session_expired');
    // "Sign out everywhere else" from her phone: the server no longer calls it expired (SE2).
    await settleKeptData({ signedOut: 'unauthenticated' });
    expect(expiredAccount.get()).toBeNull();
    expect(await countKeptUnsent(ALICE)).toBe(0);
  });

  it('a session that ended while the app was closed, answered before the device session is up: removed all the same; expired, kept and named', async () => {
    // The start's answer "no one" came while the signed-in code was still loading: no session hears it.
    const databases = async () => (await indexedDB.databases()).map((db) => db.name);
    await (await deviceWithUnsent()).close();
    // The page leaves the account first (no session of it may start while its data goes).
    // What the databases were when it left, asked at that moment (IndexedDB answers in order).
    const whenLeft: Promise<boolean>[] = [];
    const left = (): void =>
      void whenLeft.push(databases().then((names) => names.includes(syncDbName(ALICE))));
    await endedWhileAway(ALICE, 'Alice', 'unauthenticated', left);
    expect(await databases()).not.toContain(syncDbName(ALICE));
    expect(await Promise.all(whenLeft)).toEqual([true]);
    expect(expiredAccount.get()).toBeNull();

    await (await deviceWithUnsent()).close();
    await endedWhileAway(ALICE, 'Alice', 'session_expired', left);
    expect(await Promise.all(whenLeft)).toEqual([true, true]);
    expect(expiredAccount.get()).toMatchObject({ userId: ALICE, name: 'Alice' });
    expect(await countKeptUnsent(ALICE)).toBe(2);
    await settleKeptData({ signedOut: 'unauthenticated' });
  });

  it('a session that ended while the app was closed, answered once the device session is up: that session ends it', async () => {
    const { end, ended } = aliceSession(await deviceWithUnsent());
    ends.push(end);
    // The session leaves (it says so itself: `ended`), not the caller.
    const left = vi.fn();
    await endedWhileAway(ALICE, 'Alice', 'unauthenticated', left);
    expect(left).not.toHaveBeenCalled();
    expect(ended).toEqual(['unauthenticated']);
    expect(end.wiped).toBe(true);
    expect(await countKeptUnsent(ALICE)).toBe(0);
  });
});
