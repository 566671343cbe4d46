import 'fake-indexeddb/auto';
import type { MeResponse } from '@messenjo/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../lib/memory-storage.ts';
import { serverEndedNotice } from '../session/server-ended.ts';
import { IndexedDbPersistence, syncDbName } from '../sync/index.ts';

const ALICE: MeResponse = {
  id: 'u_alice',
  username: 'alice',
  displayName: 'Alice',
  picture: null,
  isAdmin: false,
  createdAt: 1,
  methods: [],
  suggestedUsername: null,
};

/** A device that was signed in as Alice: her profile's copy and her documents' database. */
async function aliceWasHere(): Promise<void> {
  localStorage.setItem('messenjo.me', JSON.stringify(ALICE));
  const persistence = new IndexedDbPersistence(syncDbName(ALICE.id));
  await persistence.addOutbox('conv:c_direct:seg:0', 1, new Uint8Array([0, 0]), new Uint8Array([0]));
  await persistence.close();
}

/** The start's question answered "no one is signed in" (`GET /api/auth/session`). */
function serverSaysNoOne(): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(() =>
      Promise.resolve(
        new Response(JSON.stringify({ me: null, sessionExpired: false }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    ),
  );
}

describe('who is signed in on this device (me-store.ts)', () => {
  beforeEach(() => {
    vi.resetModules();
    vi.stubGlobal('localStorage', memoryStorage());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('a session that ended while the app was closed, answered before the signed-in code is up: her data is removed and the sign-in page says why', async () => {
    await aliceWasHere();
    serverSaysNoOne();
    // Read at load: the device starts from its copy.
    const { meStore } = await import('./me-store.ts');
    expect(meStore.state.get()).toMatchObject({ status: 'signed-in', offline: true });

    // No device session runs in this test: only the store hears the answer.
    await meStore.refresh();
    expect(meStore.state.get()).toEqual({
      status: 'anonymous',
      notice: serverEndedNotice('unauthenticated'),
    });
    expect((await indexedDB.databases()).map((db) => db.name)).not.toContain(syncDbName(ALICE.id));
    expect(localStorage.getItem('messenjo.me')).toBeNull();
  });
});
