import type { Db } from './db/index.ts';
import { createEventBus, type EventBus } from './events/bus.ts';
import type { Logger } from './logger.ts';
import { SessionStore } from './sessions/index.ts';

/**
 * The server's long-lived services, built once by `main` (or a test) and shared by the HTTP
 * app and the sync socket. Features add theirs here rather than constructing them ad hoc.
 */
export interface Services {
  db: Db;
  logger: Logger;
  bus: EventBus;
  sessions: SessionStore;
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
    now,
  };
}
