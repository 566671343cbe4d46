import { blobPath, type EncryptedBlobRef } from '@messenjo/shared';
import { cachedCiphertext, keepCiphertext } from './blob-cache.ts';
import { decryptToBlob } from './file-cipher.ts';

/**
 * A file of a message, fetched and decrypted on the device (docs/attachments.md, "Receiving").
 * The ciphertext is kept in the device's cache (blob-cache.ts, within the person's budget), so a
 * file opened once opens again offline; it stays encrypted there and is decrypted each time it is
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

/** How long the server may take to start answering before the device says it cannot reach it. */
const RESPONSE_WAIT_MS = 30_000;

const NEEDS_NETWORK = 'This file needs the network: it is not on this device yet.';

/** The server's answer for a blob: fails at once offline, and after RESPONSE_WAIT_MS of silence. */
async function fetchBlob(path: string): Promise<Response> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false)
    throw new AttachmentUnavailableError(NEEDS_NETWORK, true);
  const stalled = new AbortController();
  const timer = setTimeout(() => stalled.abort(), RESPONSE_WAIT_MS);
  try {
    return await fetch(path, { credentials: 'same-origin', signal: stalled.signal });
  } catch {
    throw new AttachmentUnavailableError(NEEDS_NETWORK, true);
  } finally {
    clearTimeout(timer); // the body may take longer: only the first answer is timed
  }
}

/** The ciphertext of a blob: from the device's cache, else from the server (then cached). */
async function ciphertextOf(userId: string, blobId: string): Promise<Blob> {
  const path = blobPath(blobId);
  const hit = await cachedCiphertext(userId, path);
  if (hit) return hit;
  const response = await fetchBlob(path);
  if (!response.ok)
    throw new AttachmentUnavailableError(
      response.status === 404
        ? 'This file is not available: it was deleted, or you are no longer in the conversation.'
        : `The file could not be fetched (HTTP ${response.status}).`,
      false,
    );
  let ciphertext: Blob;
  try {
    ciphertext = await response.blob();
  } catch {
    throw new AttachmentUnavailableError(NEEDS_NETWORK, true); // the connection broke mid-file
  }
  await keepCiphertext(userId, path, ciphertext);
  return ciphertext;
}

/** Fetches (or takes from the device) and decrypts one blob into a Blob of `type`. */
export async function openAttachment(userId: string, ref: EncryptedBlobRef, type: string): Promise<Blob> {
  const ciphertext = await ciphertextOf(userId, ref.blob);
  return decryptToBlob(ciphertext, ref.key, ref.size, type);
}
