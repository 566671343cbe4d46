import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedCount, migrate } from './migrate.ts';
import type { Migration } from './migrations/index.ts';
import { openDatabase, type Db } from './open.ts';

const dirs: string[] = [];
function freshDb(): { db: Db; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-migrate-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.sqlite');
  return { db: openDatabase(file), file };
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const createA: Migration = { version: 1, name: 'a', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') };
const createB: Migration = { version: 2, name: 'b', up: (db) => db.exec('CREATE TABLE b (y INTEGER)') };

describe('migrate', () => {
  it('applies pending migrations once and skips them on the next start', () => {
    const { db, file } = freshDb();
    expect(migrate(db, [createA]).applied).toEqual([1]);
    db.close();
    const reopened = openDatabase(file);
    expect(migrate(reopened, [createA, createB]).applied).toEqual([2]);
    expect(migrate(reopened, [createA, createB]).applied).toEqual([]);
    expect(appliedCount(reopened)).toBe(2);
    reopened.close();
  });

  it('rolls a failing migration back whole and keeps the previous version', () => {
    const { db } = freshDb();
    migrate(db, [createA]);
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (d) => {
        d.exec('CREATE TABLE half (z INTEGER)');
        d.exec('THIS IS NOT SQL');
      },
    };
    expect(() => migrate(db, [createA, broken])).toThrow();
    expect(appliedCount(db)).toBe(1);
    const half = db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get();
    expect(half).toBeUndefined();
    db.close();
  });

  it('refuses a database from a newer server', () => {
    const { db } = freshDb();
    migrate(db, [createA, createB]);
    expect(() => migrate(db, [createA])).toThrow(/does not know \(2\).*newer server/);
    db.close();
  });

  it('applies a migration numbered below one already applied (gaps between feature ranges)', () => {
    const { db } = freshDb();
    const createC: Migration = { version: 20, name: 'c', up: (d) => d.exec('CREATE TABLE c (z INTEGER)') };
    migrate(db, [createA, createC]);
    expect(migrate(db, [createA, createB, createC]).applied).toEqual([2]);
    db.close();
  });

  it('turns on WAL and foreign keys', () => {
    const { db } = freshDb();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });
});
