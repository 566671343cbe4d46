import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.ts';
import { Store } from '../lib/store.ts';
import { PendingRenames, forgetPendingRenames, type PendingRename } from './pending-renames.ts';
import { memoryStorage } from '../lib/memory-storage.ts';

function setup(storage = memoryStorage()) {
  const connected = new Store(false);
  const sent: [string, PendingRename][] = [];
  let answer: () => Promise<unknown> = () => Promise.resolve();
  let clock = 1_000;
  const renames = new PendingRenames('u_me', {
    send: (id, rename) => {
      sent.push([id, rename]);
      return answer();
    },
    online: connected,
    storage,
    now: () => clock++,
  });
  return { renames, connected, sent, storage, answer: (a: () => Promise<unknown>) => (answer = a) };
}

describe('group renames waiting on the device', () => {
  it('accepts a rename offline, keeps only the newest per group across a reload, and sends it on reconnect', async () => {
    const first = setup();
    first.renames.rename('c_1', 'Trip');
    first.renames.rename('c_1', 'Trip 2026');
    expect(first.sent).toEqual([]);
    expect(first.renames.pending.get().get('c_1')).toEqual({ name: 'Trip 2026', renamedAt: 1_001 });
    first.renames.dispose();

    // The tab is reloaded: what waited is still there, and goes out once connected.
    const second = setup(first.storage);
    expect(second.renames.pending.get().get('c_1')?.name).toBe('Trip 2026');
    second.connected.set(true);
    await vi.waitFor(() => expect(second.renames.pending.get().size).toBe(0));
    expect(second.sent).toEqual([['c_1', { name: 'Trip 2026', renamedAt: 1_001 }]]);
    expect(first.storage.getItem('messenjo-pending-renames-u_me')).toBeNull();
  });

  it('keeps a rename when the server cannot be reached, drops it with the reason when refused', async () => {
    const { renames, connected, sent, answer } = setup();
    connected.set(true);
    answer(() => Promise.reject(new ApiError(0, 'network_error', 'offline')));
    renames.rename('c_1', 'Kept');
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    await Promise.resolve();
    expect(renames.pending.get().get('c_1')?.name).toBe('Kept');

    answer(() => Promise.reject(new ApiError(403, 'not_a_member', 'You are not a member of this group')));
    connected.set(false);
    connected.set(true);
    await vi.waitFor(() => expect(renames.pending.get().size).toBe(0));
    expect(renames.refused.get()).toEqual({
      conversationId: 'c_1',
      name: 'Kept',
      message: 'You are not a member of this group',
    });
  });

  it('does not drop a rename made while the previous one was on its way', async () => {
    const { renames, connected, sent, answer } = setup();
    let release = (): void => {};
    answer(() => new Promise<void>((resolve) => (release = resolve)));
    connected.set(true);
    renames.rename('c_1', 'First');
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    renames.rename('c_1', 'Second');
    answer(() => Promise.resolve());
    release();
    await vi.waitFor(() => expect(renames.pending.get().size).toBe(0));
    expect(sent.map(([, r]) => r.name)).toEqual(['First', 'Second']);
  });

  it('is removed with the rest of the user data', () => {
    const storage = memoryStorage();
    const { renames } = setup(storage);
    renames.rename('c_1', 'Gone');
    forgetPendingRenames('u_me', storage);
    expect(storage.length).toBe(0);
  });
});
