import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MIGRATIONS, migrate, openDatabase } from '../../db/index.ts';
import { createLogger } from '../../logger.ts';
import { docStoreContract } from './doc-store.contract.ts';
import { mergeInGroups } from './merge.ts';
import { SqliteDocStore } from './sqlite-doc-store.ts';
import { WorkerDocStore } from './worker-doc-store.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function freshDb() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-store-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, 'db.sqlite'));
  migrate(db, MIGRATIONS);
  return db;
}
/** Other connections to the same file, as other processes would open (SQLite serialises their writes). */
function others(file: string) {
  const dbs: ReturnType<typeof openDatabase>[] = [];
  return {
    another: () => {
      const db = openDatabase(file);
      dbs.push(db);
      return new SqliteDocStore(db);
    },
    close: () => dbs.forEach((db) => db.close()),
  };
}

docStoreContract('SQLite', () => {
  const db = freshDb();
  const store = new SqliteDocStore(db);
  const more = others(db.name);
  return Promise.resolve({
    store,
    another: more.another,
    close() {
      more.close();
      db.close();
      return Promise.resolve();
    },
  });
});
docStoreContract('SQLite on a commit worker', () => {
  const db = freshDb();
  const store = new WorkerDocStore(db, { file: db.name, logger: createLogger('error', () => {}) });
  const more = others(db.name);
  return Promise.resolve({
    store,
    another: more.another,
    async close() {
      await store.close();
      more.close();
      db.close();
    },
  });
});

describe('merging', () => {
  it('[SUB3] merges many updates in groups into one equivalent update', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 250; i++) doc.getArray('messages').insert(i, [{ i }]);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, mergeInGroups(updates));
    expect(replica.getArray('messages').length).toBe(250);
    expect(Y.encodeStateVector(replica)).toEqual(Y.encodeStateVector(doc));
  });
});
