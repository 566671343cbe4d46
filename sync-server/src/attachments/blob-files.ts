import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  type ReadStream,
} from 'node:fs';
import path from 'node:path';
import { isBlobId } from '@messenjo/shared';

/**
 * The blobs' bytes: `DATA_DIR/blobs/<first two hex digits>/<blob id>`, one file per distinct
 * ciphertext (two uploads of the same bytes are stored once). Ids are checked before they
 * become paths, so no id names a file outside the folder.
 */
export class BlobFiles {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  pathOf(blobId: string): string {
    if (!isBlobId(blobId)) throw new Error('not a blob id');
    return path.join(this.root, blobId.slice(0, 2), blobId);
  }

  has(blobId: string): boolean {
    return existsSync(this.pathOf(blobId));
  }

  size(blobId: string): number {
    return statSync(this.pathOf(blobId)).size;
  }

  /**
   * Moves a verified upload's file into place, or drops it when the same bytes are stored
   * already. Synchronous on purpose: with the store's write in the same turn, a sweep never
   * sees the row without the file or frees a file a new row just claimed.
   */
  adopt(blobId: string, file: string): void {
    const target = this.pathOf(blobId);
    if (existsSync(target)) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(file, target);
  }

  remove(blobId: string): void {
    rmSync(this.pathOf(blobId), { force: true });
  }

  /** The blob's bytes, or those from `start` to `end` (both included) for a range request. */
  read(blobId: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(blobId), range);
  }
}

/** SHA-256 (lowercase hex) and length of a file, read as a stream (a 100 MB file is never held whole). */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
  }
  return { sha256: hash.digest('hex'), size };
}
