import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { FtsIndex } from './fts-index.ts';
import { searchDirName } from './opfs-files.ts';

const FILE = '/search.sqlite3';

/**
 * Opens a user's search index in the worker: SQLite on OPFS through the `opfs-sahpool` VFS,
 * which needs no cross-origin isolation headers (the "opfs" VFS does) and is the fastest of
 * sqlite-wasm's persistent VFSes, but lets one connection at a time hold its files: the worker
 * opens it only while it holds the tab leadership lock (search.worker.ts). Where OPFS is
 * missing (a private window in some browsers), an index in memory, rebuilt at each start. A file
 * that cannot be read is wiped and built again from the stored documents.
 */
export async function openSearchIndex(userId: string): Promise<{ index: FtsIndex; persistent: boolean }> {
  const sqlite3 = await sqlite3InitModule();
  try {
    const pool = await sqlite3.installOpfsSAHPoolVfs({
      name: 'messenjo-search',
      directory: searchDirName(userId),
    });
    const open = (): FtsIndex => {
      const db = new pool.OpfsSAHPoolDb(FILE);
      try {
        return new FtsIndex(db);
      } catch (error) {
        db.close();
        throw error;
      }
    };
    try {
      return { index: open(), persistent: true };
    } catch (error) {
      // A damaged file (a crash mid-write, a full disk): the index is a cache, so start it afresh.
      console.warn('search index unreadable, rebuilt', error);
      await pool.wipeFiles();
      return { index: open(), persistent: true };
    }
  } catch (error) {
    console.warn('search index kept in memory', error);
    return { index: new FtsIndex(new sqlite3.oo1.DB(':memory:')), persistent: false };
  }
}
