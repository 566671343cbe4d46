import {
  ATTACHMENT_LIMITS,
  blobEtag,
  blobPath,
  encryptedSize,
  type EncryptedBlobRef,
} from '@messenjo/shared';
import { cachedCiphertext, keepCiphertext } from './blob-cache.ts';
import { decryptToBlob } from './file-cipher.ts';
import { DownloadBrokenError, downloadRanged } from './ranged-download.ts';

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

/** How long the server may be silent (before answering, or mid-file) before the device says it cannot reach it. */
const RESPONSE_WAIT_MS = 30_000;
/** Breaks in a row that bring no new byte before a download gives up (until asked again). */
const FRUITLESS_TRIES = 3;
/** Unfinished downloads kept in this page to resume from (the most recent ones). */
const MAX_PARTIALS = 8;

const NEEDS_NETWORK = 'This file needs the network: it is not on this device yet.';

/**
 * The first bytes of downloads that broke, by path, in this page: the next attempt (the network
 * is back, the person clicks again) asks only for the rest (ranged-download.ts). In memory only:
 * the cache keeps whole blobs, which is what its budget counts.
 */
const partials = new Map<string, Blob>();
/** One download per blob at a time: the viewer's prefetch and the person's click share it. */
const inFlight = new Map<string, Promise<Blob>>();

function keepPartial(path: string, received: Blob): void {
  partials.delete(path);
  if (received.size === 0) return;
  partials.set(path, received);
  for (const oldest of partials.keys()) {
    if (partials.size <= MAX_PARTIALS) break;
    partials.delete(oldest);
  }
}

/** The server's blob, resuming from what an earlier attempt received; fails at once offline. */
async function fetchCiphertext(path: string, ref: EncryptedBlobRef): Promise<Blob> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false)
    throw new AttachmentUnavailableError(NEEDS_NETWORK, true);
  try {
    const ciphertext = await downloadRanged(path, {
      totalBytes: encryptedSize(ref.size, ATTACHMENT_LIMITS.CHUNK_BYTES),
      etag: blobEtag(ref.blob),
      received: partials.get(path),
      stallMs: RESPONSE_WAIT_MS,
      fruitlessTries: FRUITLESS_TRIES,
    });
    partials.delete(path);
    return ciphertext;
  } catch (error) {
    if (!(error instanceof DownloadBrokenError)) throw error;
    keepPartial(path, error.received);
    if (error.status === undefined) throw new AttachmentUnavailableError(NEEDS_NETWORK, true);
    throw new AttachmentUnavailableError(
      error.status === 404
        ? 'This file is not available: it was deleted, or you are no longer in the conversation.'
        : `The file could not be fetched (${error.message}).`,
      false,
    );
  }
}

/** The ciphertext of a blob: from the device's cache, else from the server (then cached). */
async function ciphertextOf(userId: string, ref: EncryptedBlobRef): Promise<Blob> {
  const path = blobPath(ref.blob);
  const hit = await cachedCiphertext(userId, path);
  if (hit) return hit;
  const running = inFlight.get(path);
  if (running) return running;
  const download = fetchCiphertext(path, ref).then(async (ciphertext) => {
    await keepCiphertext(userId, path, ciphertext);
    return ciphertext;
  });
  inFlight.set(path, download);
  try {
    return await download;
  } finally {
    inFlight.delete(path);
  }
}

/** Brings a blob's ciphertext onto the device without opening it (the viewer's neighbours); failures are for the opening to say. */
export async function prefetchAttachment(userId: string, ref: EncryptedBlobRef): Promise<void> {
  await ciphertextOf(userId, ref).catch(() => {});
}

/** Fetches (or takes from the device) and decrypts one blob into a Blob of `type`. */
export async function openAttachment(userId: string, ref: EncryptedBlobRef, type: string): Promise<Blob> {
  const ciphertext = await ciphertextOf(userId, ref);
  return decryptToBlob(ciphertext, ref.key, ref.size, type);
}
