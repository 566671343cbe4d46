import { blobPath, type EncryptedBlobRef } from '@messenjo/shared';
import { blobCacheName } from './db-name.ts';
import { decryptToBlob } from './file-cipher.ts';

/**
 * A file of a message, fetched and decrypted on the device (docs/attachments.md, "Receiving").
 * The ciphertext is kept in the device's Cache Storage (`messenjo-blobs-<user id>`), so a file
 * opened once opens again offline; it stays encrypted there and is decrypted each time it is
 * opened, into a Blob of the entry's type (never rendered as HTML: a download or an <img>).
 */

/** The server or the network failed to give the file; `offline` when the device cannot reach it. */
export class AttachmentUnavailableError extends Error {
  override readonly name = 'AttachmentUnavailableError';
  constructor(
    message: string,
    readonly offline: boolean,
  ) {
    super(message);
  }
}

async function cached(userId: string, path: string): Promise<Response | undefined> {
  if (typeof caches === 'undefined') return undefined;
  try {
    const cache = await caches.open(blobCacheName(userId));
    return await cache.match(path);
  } catch {
    return undefined; // a private window without Cache Storage: fetch instead
  }
}

async function keep(userId: string, path: string, ciphertext: Blob): Promise<void> {
  if (typeof caches === 'undefined') return;
  try {
    const cache = await caches.open(blobCacheName(userId));
    await cache.put(
      path,
      new Response(ciphertext, { headers: { 'Content-Type': 'application/octet-stream' } }),
    );
  } catch (error) {
    console.warn('attachment not cached', error); // quota: it is fetched again next time
  }
}

/** The ciphertext of a blob: from the device's cache, else from the server (then cached). */
async function ciphertextOf(userId: string, blobId: string): Promise<Blob> {
  const path = blobPath(blobId);
  const hit = await cached(userId, path);
  if (hit) return hit.blob();
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new AttachmentUnavailableError('This file needs the network: it is not on this device yet.', true);
  }
  if (!response.ok)
    throw new AttachmentUnavailableError(
      response.status === 404
        ? 'This file is not available: it was deleted, or you are no longer in the conversation.'
        : `The file could not be fetched (HTTP ${response.status}).`,
      false,
    );
  const ciphertext = await response.blob();
  await keep(userId, path, ciphertext);
  return ciphertext;
}

/** Fetches (or takes from the device) and decrypts one blob into a Blob of `type`. */
export async function openAttachment(userId: string, ref: EncryptedBlobRef, type: string): Promise<Blob> {
  const ciphertext = await ciphertextOf(userId, ref.blob);
  return decryptToBlob(ciphertext, ref.key, ref.size, type);
}
