import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, openDatabase, type Db } from '../../db/index.ts';
import { DocWriter } from './doc-writer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function databaseFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-doc-writer-'));
  dirs.push(dir);
  return path.join(dir, 'messenjo.sqlite');
}

/** 2,000 log rows of 1 KiB for one document, then a snapshot that replaces them (a compaction). */
function writeAndCompact(db: Db): DocWriter {
  const writer = new DocWriter(db);
  const rows = Array.from({ length: 2000 }, (_, i) => ({
    docId: 'conv:c_1:seg:0',
    seq: i + 1,
    data: new Uint8Array(1024).fill(i % 251),
    userId: 'u_1',
    newClients: [],
  }));
  writer.commit(rows, {}, 0);
  const snapshot = { docId: 'conv:c_1:seg:0', throughSeq: 2000, state: new Uint8Array(4096) };
  writer.commit([], { snapshots: [snapshot] }, 0);
  return writer;
}

const pragma = (db: Db, name: string) => db.pragma(name, { simple: true }) as number;

describe('DocWriter.reclaimFreePages', () => {
  it('gives the pages of a compacted log back to the file system (W8)', () => {
    const file = databaseFile();
    const db = openDatabase(file);
    migrate(db, MIGRATIONS);
    const writer = writeAndCompact(db);
    const freed = pragma(db, 'freelist_count');
    expect(freed).toBeGreaterThan(400); // ~2 MiB of rows deleted
    const pagesBefore = pragma(db, 'page_count');

    writer.reclaimFreePages();
    expect(pragma(db, 'freelist_count')).toBe(0);
    expect(pragma(db, 'page_count')).toBeLessThanOrEqual(pagesBefore - freed);
    db.close(); // checkpoints the WAL into the file
    expect(statSync(file).size).toBeLessThan(pagesBefore * 4096 - freed * 4096 * 0.9);
  });

  it('keeps a few free pages for later rows; gives every one back at shutdown', () => {
    const db = openDatabase(databaseFile());
    migrate(db, MIGRATIONS);
    const writer = new DocWriter(db);
    const rows = Array.from({ length: 40 }, (_, i) => ({
      docId: 'd',
      seq: i + 1,
      data: new Uint8Array(1024),
      userId: 'u_1',
      newClients: [],
    }));
    writer.commit(rows, {}, 0);
    writer.commit([], { snapshots: [{ docId: 'd', throughSeq: 40, state: new Uint8Array(8) }] }, 0);
    const free = pragma(db, 'freelist_count');
    expect(free).toBeGreaterThan(0);
    writer.reclaimFreePages();
    expect(pragma(db, 'freelist_count')).toBe(free); // under 1 MiB: reused by the next rows
    writer.reclaimFreePages(true);
    expect(pragma(db, 'freelist_count')).toBe(0);
    db.close();
  });

  it('leaves a database made before auto_vacuum was set as it is (its pages are reused)', () => {
    const file = databaseFile();
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    migrate(old, MIGRATIONS);
    old.close();
    const db = openDatabase(file);
    expect(pragma(db, 'auto_vacuum')).toBe(0);
    const writer = writeAndCompact(db);
    const free = pragma(db, 'freelist_count');
    writer.reclaimFreePages(true);
    expect(pragma(db, 'freelist_count')).toBe(free);
    db.close();
  });
});

describe('DocWriter, the only writer of a file', () => {
  it('[SEQ3] a retry of an id another connection stored since this writer read the document still gets the first number', () => {
    const file = databaseFile();
    const db = openDatabase(file);
    migrate(db, MIGRATIONS);
    const other = openDatabase(file);
    const writer = new DocWriter(db, { onlyWriter: true });
    const row = (n: number, id: number) => ({
      docId: 'd',
      data: new Uint8Array([n]),
      userId: 'u_1',
      newClients: [],
      updateId: new Uint8Array(16).fill(id),
    });
    expect(writer.commit([row(1, 1)], {}, 0).seqs).toEqual([1]); // holds d's ids from here
    expect(new DocWriter(other).commit([row(2, 2)], {}, 0).seqs).toEqual([2]);
    expect(writer.commit([row(2, 2), row(3, 3)], {}, 0).seqs).toEqual([2, 3]);
    expect(writer.commit([row(1, 1)], {}, 0).seqs).toEqual([1]);
    expect(db.prepare('SELECT count(*) FROM doc_log').pluck().get()).toBe(3);
    other.close();
    db.close();
  });
});
