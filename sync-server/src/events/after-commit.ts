import type { Sql } from '../db/index.ts';
import type { EventBus, ServerEvent } from './bus.ts';

export type Emit = (event: ServerEvent) => void;

/**
 * Runs `work` in one transaction and publishes the events it emitted only after the commit: a
 * refused or failed change never announces anything, and subscribers (the sync hub
 * unsubscribing sockets) see state that is already durable. PostgreSQL may run `work` more than
 * once (a serialization conflict): each run starts with no events, so only the run that
 * committed is announced.
 */
export async function transact<T>(
  db: Sql,
  bus: EventBus,
  work: (tx: Sql, emit: Emit) => Promise<T>,
): Promise<T> {
  let events: ServerEvent[] = [];
  const result = await db.transaction((tx) => {
    events = [];
    return work(tx, (event) => events.push(event));
  });
  for (const event of events) bus.publish(event);
  return result;
}
