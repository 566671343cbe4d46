import type { Database } from '../db/index.ts';
import type { ScratchDatabase } from '../db/scratch-sqlite.ts';
import { createEventBus, type EventBus, type ServerEvent } from '../events/bus.ts';
import { createLogger } from '../logger.ts';
import { createSocial, type Social } from './index.ts';

/**
 * A real database (SQLite or PostgreSQL, migrated and empty) with users, the social services and
 * a record of every published event: what the social contract suites run on.
 */
export interface TestWorld {
  db: Database;
  social: Social;
  bus: EventBus;
  events: ServerEvent[];
  clock: { now: number };
  addUser(username: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestWorld(open: () => Promise<ScratchDatabase>): Promise<TestWorld> {
  const scratch = await open();
  const db = scratch.database;
  const bus = createEventBus((error) => {
    throw error;
  });
  const events: ServerEvent[] = [];
  for (const type of [
    'membership.changed',
    'relationship.changed',
    'conversation.changed',
    'conversation.system',
  ] as const) {
    bus.subscribe(type, (event) => events.push(event));
  }
  const clock = { now: 1_000 };
  const social = createSocial({ db, bus, logger: createLogger('error'), now: () => clock.now++ });
  return {
    db,
    social,
    bus,
    events,
    clock,
    async addUser(username) {
      const id = `u_${username.toLowerCase()}`;
      await db.run(
        'INSERT INTO users (id, username, username_key, display_name, created_at) VALUES (?, ?, ?, ?, ?)',
        [id, username, username.toLowerCase(), username[0]!.toUpperCase() + username.slice(1), 0],
      );
      return id;
    },
    async close() {
      social.dispose();
      await scratch.close();
    },
  };
}
