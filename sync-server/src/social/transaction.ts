import type { Db } from '../db/index.ts';
import type { EventBus, ServerEvent } from '../events/bus.ts';

export type Emit = (event: ServerEvent) => void;

/**
 * Runs `work` in one SQLite transaction (BEGIN IMMEDIATE, see db/open.ts) and publishes the events it emitted only after the
 * commit: a refused or failed change never announces anything, and subscribers (the sync hub
 * unsubscribing sockets) see state that is already durable.
 */
export function transact<T>(db: Db, bus: EventBus, work: (emit: Emit) => T): T {
  const events: ServerEvent[] = [];
  const result = db.transaction(() => work((event) => events.push(event))).immediate();
  for (const event of events) bus.publish(event);
  return result;
}
