import { MembershipStore } from './conversations/membership-store.ts';
import type { Db } from './db/index.ts';
import { createEventBus, type EventBus } from './events/bus.ts';
import type { Logger } from './logger.ts';
import { SessionStore } from './sessions/index.ts';
import { SqliteDocStore, type DocStore } from './sync/index.ts';

/**
 * The server's long-lived services, built once by `main` (or a test) and shared by the HTTP
 * app and the sync socket. Features add theirs here rather than constructing them ad hoc.
 */
export interface Services {
  db: Db;
  logger: Logger;
  bus: EventBus;
  sessions: SessionStore;
  /** Conversation memberships: the one writer of `memberships`, publishing membership.changed. */
  memberships: MembershipStore;
  /** Yjs documents: update log, snapshots, client-id bindings. */
  docStore: DocStore;
  now: () => number;
}

export function createServices(options: { db: Db; logger: Logger; now?: () => number }): Services {
  const now = options.now ?? Date.now;
  const bus = createEventBus((err, event) =>
    options.logger.error('event handler failed', { event: event.type, err }),
  );
  return {
    db: options.db,
    logger: options.logger,
    bus,
    sessions: new SessionStore(options.db, bus, now),
    memberships: new MembershipStore(options.db, bus, now),
    docStore: new SqliteDocStore(options.db, now),
    now,
  };
}
