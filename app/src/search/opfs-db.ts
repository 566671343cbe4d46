import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { FtsIndex } from './fts-index.ts';
import { searchDirName } from './opfs-files.ts';

/**
 * Opens a user's search index in the worker: SQLite on OPFS through the `opfs-sahpool` VFS,
 * which needs no cross-origin isolation headers (the "opfs" VFS does) and is the fastest of
 * sqlite-wasm's persistent VFSes, but lets one connection at a time hold its files: the worker
 * opens it only while it holds the tab leadership lock (search.worker.ts). Where OPFS is
 * missing (a private window in some browsers), an index in memory, rebuilt at each start.
 */
export async function openSearchIndex(userId: string): Promise<{ index: FtsIndex; persistent: boolean }> {
  const sqlite3 = await sqlite3InitModule();
  try {
    const pool = await sqlite3.installOpfsSAHPoolVfs({
      name: 'messenjo-search',
      directory: searchDirName(userId),
    });
    return { index: new FtsIndex(new pool.OpfsSAHPoolDb('/search.sqlite3')), persistent: true };
  } catch (error) {
    console.warn('search index kept in memory', error);
    return { index: new FtsIndex(new sqlite3.oo1.DB(':memory:')), persistent: false };
  }
}
