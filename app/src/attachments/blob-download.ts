import {
  ATTACHMENT_LIMITS,
  blobEtag,
  blobPath,
  encryptedSize,
  type EncryptedBlobRef,
} from '@messenjo/shared';
import {
  cachedCiphertext,
  dropPartial,
  fitCacheToBudget,
  forgetCiphertext,
  keepCiphertext,
  keepPartialPiece,
  partialCiphertext,
} from './blob-cache.ts';
import { reportProgress } from './download-progress.ts';
import { openedType } from './file-facts.ts';
import { AttachmentDecryptError, decryptToBlob } from './file-cipher.ts';
import { DownloadBrokenError, downloadRanged } from './ranged-download.ts';

/**
 * A file of a message, fetched and decrypted on the device (docs/attachments.md, "Receiving").
 * The ciphertext is kept in the device's cache (blob-cache.ts, within the person's budget), so a
 * file opened once opens again offline; it stays encrypted there and is decrypted each time it is
 * opened, into a Blob of the entry's type where the browser shows it without running anything
 * (`openedType`; never rendered as HTML: a download or an <img>).
 * Opening is the check: bytes that do not decrypt (changed on the device, or by the network) are
 * deleted and fetched from the server once more; if those fail too, the file is damaged.
 */

/**
 * Why a file could not be opened: the device cannot reach the server (`offline`: tried again when
 * the network returns), its bytes fail to decrypt even fresh from the server (`damaged`), the
 * server has none for this person (`gone`), or the server failed otherwise (`failed`).
 */
export type UnavailableReason = 'offline' | 'damaged' | 'gone' | 'failed';

/** What the person calls the attachment she is told about: a sentence names it as she sees it. */
export type AttachmentThing = 'file' | 'picture' | 'video' | 'voice note' | 'preview';

/** The sentence for an attachment that could not be opened, naming it (`thing`) as the person sees it. */
export function unavailableSentence(
  reason: UnavailableReason,
  thing: AttachmentThing,
  detail?: string,
): string {
  switch (reason) {
    case 'offline':
      return `This ${thing} needs the network: it is not on this device yet.`;
    case 'damaged':
      return `This ${thing} is damaged: its bytes do not match what was sent, so it cannot be opened.`;
    case 'gone':
      return `This ${thing} is not available: it was deleted, or you are no longer in the conversation.`;
    case 'failed':
      return `The ${thing} could not be fetched${detail ? ` (${detail})` : ''}.`;
  }
}

/**
 * The server or the network failed to give the file; the message is a sentence for the person
 * about "this file" (`sentenceFor` names it otherwise: a picture, a voice note).
 */
export class AttachmentUnavailableError extends Error {
  override readonly name = 'AttachmentUnavailableError';
  constructor(
    readonly reason: UnavailableReason,
    /** What failed, for `failed` (the server's status or the network's error). */
    readonly detail?: string,
  ) {
    super(unavailableSentence(reason, 'file', detail));
  }

  /** The sentence, naming the attachment as the person sees it. */
  sentenceFor(thing: AttachmentThing): string {
    return unavailableSentence(this.reason, thing, this.detail);
  }

  /** The device cannot reach the server. */
  get offline(): boolean {
    return this.reason === 'offline';
  }
}

/** How long the server may be silent (before answering, or mid-file) before the device says it cannot reach it. */
const RESPONSE_WAIT_MS = 30_000;
/** Breaks in a row that bring no new byte before a download gives up (until asked again). */
const FRUITLESS_TRIES = 3;

/** One download per blob at a time: the viewer's prefetch and the person's click share it. */
const inFlight = new Map<string, Promise<Blob>>();
/**
 * Blobs found damaged on the server too, in this page: opening one again says so at once rather
 * than fetching it again (a timeline scrolled back and forth remounts its pictures). A reload
 * forgets them, so a blob the operator repaired opens then.
 */
const damaged = new Set<string>();
/**
 * People whose cache this page has tidied, on its first open of an attachment: pieces of
 * downloads not continued for a week go then (blob-cache.ts), not only when something new is kept.
 */
const tidied = new Set<string>();

/**
 * The server's blob, resuming from what an earlier attempt kept on the device (blob-cache.ts:
 * pieces that outlive a reload); fails at once offline. `fresh`: bytes from before turned out
 * bad, so nothing kept is trusted and the browser's HTTP cache is passed by.
 */
async function fetchCiphertext(userId: string, ref: EncryptedBlobRef, fresh: boolean): Promise<Blob> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false)
    throw new AttachmentUnavailableError('offline');
  const path = blobPath(ref.blob);
  const etag = blobEtag(ref.blob);
  const totalBytes = encryptedSize(ref.size, ATTACHMENT_LIMITS.CHUNK_BYTES);
  if (fresh) await dropPartial(userId, ref.blob).catch(() => {});
  const received = fresh ? undefined : await partialCiphertext(userId, ref.blob, etag, totalBytes);
  reportProgress(ref.blob, (received?.size ?? 0) / totalBytes);
  try {
    const ciphertext = await downloadRanged(path, {
      totalBytes,
      etag,
      received,
      stallMs: RESPONSE_WAIT_MS,
      fruitlessTries: FRUITLESS_TRIES,
      onProgress: (share) => reportProgress(ref.blob, share),
      keep: (offset, piece) => keepPartialPiece(userId, ref.blob, etag, totalBytes, offset, piece),
      restart: () => dropPartial(userId, ref.blob),
      ...(fresh && { cache: 'reload' as const }),
    });
    await keepCiphertext(userId, path, ciphertext);
    await dropPartial(userId, ref.blob).catch(() => {});
    return ciphertext;
  } catch (error) {
    if (!(error instanceof DownloadBrokenError)) throw error;
    if (error.status === undefined) throw new AttachmentUnavailableError('offline');
    throw error.status === 404
      ? new AttachmentUnavailableError('gone')
      : new AttachmentUnavailableError('failed', error.message);
  } finally {
    reportProgress(ref.blob, undefined);
  }
}

/** A blob's ciphertext from the server (then cached), sharing a download already under way. */
async function download(userId: string, ref: EncryptedBlobRef, fresh: boolean): Promise<Blob> {
  const path = blobPath(ref.blob);
  const running = inFlight.get(path);
  if (running && !fresh) return running;
  const fetching = (running ?? Promise.resolve())
    .catch(() => {})
    .then(() => fetchCiphertext(userId, ref, fresh));
  inFlight.set(path, fetching);
  try {
    return await fetching;
  } finally {
    if (inFlight.get(path) === fetching) inFlight.delete(path);
  }
}

/** Brings a blob's ciphertext onto the device without opening it (the viewer's neighbours); opening checks it. */
export async function prefetchAttachment(userId: string, ref: EncryptedBlobRef): Promise<void> {
  const path = blobPath(ref.blob);
  if (await cachedCiphertext(userId, path)) return;
  await download(userId, ref, false).catch(() => {}); // failures are for the opening to say
}

/**
 * Fetches (or takes from the device) and decrypts one blob into a Blob of `type` (if the browser
 * shows that type without running anything: `openedType`). Bytes that do
 * not decrypt are deleted from the device and fetched once more from the server, past every
 * cache; should those fail too, the file is damaged (`AttachmentUnavailableError`, not offline).
 */
export async function openAttachment(userId: string, ref: EncryptedBlobRef, type: string): Promise<Blob> {
  if (!tidied.has(userId)) {
    tidied.add(userId);
    void fitCacheToBudget(userId).catch(() => {}); // tidying; the next keep tries again
  }
  const path = blobPath(ref.blob);
  if (damaged.has(path)) throw new AttachmentUnavailableError('damaged');
  const open = (ciphertext: Blob) => decryptToBlob(ciphertext, ref.key, ref.size, openedType(type));
  const cached = await cachedCiphertext(userId, path);
  try {
    return await open(cached ?? (await download(userId, ref, false)));
  } catch (error) {
    if (!(error instanceof AttachmentDecryptError)) throw error;
  }
  await forgetCiphertext(userId, path).catch(() => {});
  try {
    return await open(await download(userId, ref, true));
  } catch (error) {
    if (!(error instanceof AttachmentDecryptError)) throw error;
    await forgetCiphertext(userId, path).catch(() => {});
    damaged.add(path);
    throw new AttachmentUnavailableError('damaged');
  }
}

/**
 * A blob only if this device has it (the sender's own thumbnails, kept when they were sealed),
 * decrypted; undefined otherwise, never fetched: used while the message's files upload, before
 * the server has them.
 */
export async function openOnDevice(
  userId: string,
  ref: EncryptedBlobRef,
  type: string,
): Promise<Blob | undefined> {
  const cached = await cachedCiphertext(userId, blobPath(ref.blob));
  if (!cached) return undefined;
  try {
    return await decryptToBlob(cached, ref.key, ref.size, openedType(type));
  } catch (error) {
    if (error instanceof AttachmentDecryptError) return undefined; // fetched and checked once uploaded
    throw error;
  }
}
