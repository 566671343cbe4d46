import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS, migrate, openDatabase, type Db } from '../db/index.ts';
import { createEventBus, type EventBus, type ServerEvent } from '../events/bus.ts';
import { createSocial, type Social } from './index.ts';

/** A real SQLite file with users, the social services and a record of every published event (unit tests only). */
export interface TestWorld {
  db: Db;
  social: Social;
  bus: EventBus;
  events: ServerEvent[];
  clock: { now: number };
  addUser(username: string): string;
  close(): void;
}

export function createTestWorld(): TestWorld {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-social-'));
  const db = openDatabase(path.join(dir, 'db.sqlite'));
  migrate(db, MIGRATIONS);
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
  const social = createSocial({ db, bus, now: () => clock.now++ });
  return {
    db,
    social,
    bus,
    events,
    clock,
    addUser(username) {
      const id = `u_${username.toLowerCase()}`;
      db.prepare(
        'INSERT INTO users (id, username, username_key, display_name, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(id, username, username.toLowerCase(), username[0]!.toUpperCase() + username.slice(1), 0);
      return id;
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
