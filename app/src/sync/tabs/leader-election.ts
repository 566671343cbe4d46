import { LEADER_LOCK_NAME } from '../constants.ts';

/** What leader election asks of a client: to take the socket over when this tab gets the lock. */
export interface SocketHolder {
  becomeLeader(): Promise<void>;
}

/**
 * Leader election between tabs of one device with the Web Locks API: the tab holding the lock
 * owns the socket; when it closes, the lock passes to another tab, which takes over the stored
 * outbox and connects. Without Web Locks, every client leads (one tab, tests). Returns the disposer.
 */
export function electSocketLeader(
  client: SocketHolder,
  locks: LockManager | undefined = globalThis.navigator?.locks,
): () => void {
  if (!locks) {
    void client.becomeLeader();
    return () => {};
  }
  const abort = new AbortController();
  let release: (() => void) | undefined;
  locks
    .request(LEADER_LOCK_NAME, { signal: abort.signal }, () => {
      void client.becomeLeader();
      // Held until this tab goes away (or the disposer runs).
      return new Promise<void>((resolve) => (release = resolve));
    })
    .catch(() => {});
  return () => {
    abort.abort();
    release?.();
  };
}
