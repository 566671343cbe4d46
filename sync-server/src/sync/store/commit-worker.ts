/**
 * The commit worker's thread: its own connection to the server's database (the same pragmas as
 * the main one: WAL, synchronous=FULL), running each group commit it is handed, in order, and
 * answering once it is durable. The main thread's event loop never waits for the fsync.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/open.ts';
import {
  unpackCommit,
  type CommitReply,
  type CommitWorkerData,
  type CommitWorkerMessage,
  type CommitWorkerRequest,
} from './commit-worker-protocol.ts';
import { DocWriter } from './doc-writer.ts';

const port = parentPort;
if (!port) throw new Error('commit-worker.ts runs only as a worker thread');
const db = openDatabase((workerData as CommitWorkerData).file);
// The server's only writer of this file's documents (SQLite is one process).
const writer = new DocWriter(db, { onlyWriter: true });

port.on('message', (request: CommitWorkerRequest) => {
  if (request.type === 'close') {
    try {
      writer.reclaimFreePages(true);
    } catch {
      // The file keeps its free pages; nothing stored is at stake.
    }
    db.close();
    port.close();
    return;
  }
  let reply: CommitReply;
  let compacted = false;
  try {
    const { rows, extras } = unpackCommit(request);
    const { seqs, listError } = writer.commit(rows, extras, request.at);
    compacted = (extras.snapshots?.length ?? 0) > 0;
    reply =
      listError === undefined
        ? { id: request.id, ok: true, seqs }
        : { id: request.id, ok: true, seqs, listError: describe(listError) };
  } catch (error) {
    reply = { id: request.id, ok: false, message: describe(error), code: (error as { code?: string }).code };
  }
  port.postMessage(reply);
  // After the answer: the acks do not wait for it.
  if (compacted) reclaimAfterCompaction();
});
// Commits handed over before this line wait in the port; from now on they can be stored.
port.postMessage({ type: 'ready' } satisfies CommitWorkerMessage);

/** After the commit is durable: a failure here must not fail it. */
function reclaimAfterCompaction(): void {
  try {
    writer.reclaimFreePages();
  } catch {
    // Kept for later rows instead.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
