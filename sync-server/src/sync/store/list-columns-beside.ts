import type { Database } from '../../db/index.ts';
import { writeListColumnsSql } from '../../db/list-columns-sql.ts';
import type { Logger } from '../../logger.ts';
import type { AppendRow, CommitExtras, DocStore } from './doc-store.ts';

/**
 * Until the PostgreSQL document store exists, a server on PostgreSQL keeps its documents in
 * SQLite (DATA_DIR) while the conversations live in PostgreSQL: this store commits the updates
 * to SQLite and then writes the batch's list columns to PostgreSQL, before the batch is answered
 * (so before any ack). Not one transaction: a crash between the two leaves the list one batch
 * behind, never a message lost. The PostgreSQL document store writes them in its own transaction
 * and replaces this.
 */
export function listColumnsBeside(documents: DocStore, conversations: Database, logger: Logger): DocStore {
  return {
    load: (docId) => documents.load(docId),
    heads: (docIds) => documents.heads(docIds),
    logAfter: (docId, afterSeq) => documents.logAfter(docId, afterSeq),
    logLength: (docId) => documents.logLength(docId),
    latestSegments: (ids) => documents.latestSegments(ids),
    compact: (docId, throughSeq, state) => documents.compact(docId, throughSeq, state),
    close: () => documents.close(),
    async appendBatch(rows: readonly AppendRow[], extras: CommitExtras = {}): Promise<void> {
      const { listColumns = [], ...rest } = extras;
      await documents.appendBatch(rows, rest);
      if (listColumns.length === 0) return;
      try {
        await writeListColumnsSql(conversations, listColumns);
      } catch (err) {
        // As on SQLite: the list's columns never cost the updates their commit.
        logger.error('conversation list not updated', { err });
      }
    },
  };
}
