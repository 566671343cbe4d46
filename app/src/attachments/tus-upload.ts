import { isErrorEnvelope, UPLOAD_METADATA_KEYS, type UploadMetadata } from '@messenjo/shared';
import { defaultOptions, Upload, type DetailedError } from 'tus-js-client';
import { UploadRefusedError } from './upload-refused.ts';

/**
 * One encrypted blob up to the server with the tus protocol (tus-js-client; the server's side is
 * sync-server/src/attachments/routes.ts). Resumable twice over: within a page, tus retries from
 * the offset the server has (HEAD) after a failed PATCH; across reloads, the upload's URL is kept
 * in tus's URL storage (localStorage) under a fingerprint made of the conversation and the
 * ciphertext's hash, so the same bytes (kept in IndexedDB, pending-store.ts) continue where the
 * server stopped instead of starting again.
 */

export interface UploadProgress {
  /** Bytes of the ciphertext the server has (or this request has sent so far). */
  sent: number;
  total: number;
}

/** The key an unfinished upload's URL is kept under, across reloads: this blob, for this conversation. */
export const uploadFingerprint = (metadata: UploadMetadata): string =>
  `messenjo-upload:${metadata.conversation}:${metadata.blob}`;

/** Statuses worth retrying: the upload is locked by a request still closing (423), a conflict of offsets (409), rate limits (429). */
const RETRYABLE_4XX = new Set([409, 423, 429]);

/** Whether a failed request should be tried again: network failures and 5xx yes, refusals no. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined || status === 0) return true;
  return status >= 500 || RETRYABLE_4XX.has(status);
}

/** The sentence of the server's error envelope in a tus error, or tus's own. */
export function refusalOf(status: number, body: string): UploadRefusedError {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isErrorEnvelope(parsed))
      return new UploadRefusedError(status, parsed.error.code, parsed.error.message);
  } catch {
    // Not JSON: a proxy's page or tus's plain text.
  }
  return new UploadRefusedError(status, 'upload_refused', `The server refused the upload (HTTP ${status})`);
}

/** Tries of a termination: a PATCH just aborted may hold the upload's lock for a moment (423). */
const TERMINATE_TRIES = 3;
const TERMINATE_WAIT_MS = 1_000;

/**
 * Ends the server's unfinished upload of this blob (tus termination, `DELETE`), so its bytes stop
 * counting against the person's quota at once rather than after the server's day-long expiry,
 * and forgets its URL here. The message it was for was given up. Best effort: offline, or should
 * the server not answer, its expiry frees it (docs/attachments.md, "Limits").
 */
export async function terminateUpload(metadata: UploadMetadata): Promise<void> {
  const fingerprint = uploadFingerprint(metadata);
  const storage = defaultOptions.urlStorage;
  for (const previous of await storage.findUploadsByFingerprint(fingerprint)) {
    const url = previous.uploadUrl;
    for (let tries = 1; url; tries++) {
      const response = await fetch(url, { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0' } }).catch(
        () => undefined,
      );
      // 204: ended; 404/410: the server has no such upload (finished, expired, or never there).
      if (response && [204, 404, 410].includes(response.status)) break;
      if (tries >= TERMINATE_TRIES) return; // kept: the next discard or the expiry frees it
      await new Promise((resolve) => setTimeout(resolve, TERMINATE_WAIT_MS));
    }
    await storage.removeUpload(previous.urlStorageKey);
  }
}

export interface UploadOptions {
  /** The tus creation endpoint as an absolute URL (ATTACHMENT_ROUTES.uploads on this origin). */
  endpoint: string;
  metadata: UploadMetadata;
  ciphertext: Blob;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /** Waits between tries after a failure, in ms; the outbox retries again later when this runs out. */
  retryDelays?: number[];
}

const DEFAULT_RETRY_DELAYS = [0, 1_000, 3_000, 5_000];

/**
 * Uploads, or resumes, one blob. Resolves when the server has verified every byte; rejects with
 * UploadRefusedError when the server said no for good, with another Error when the network or
 * server failed after the retries (the caller tries again later), with an AbortError when aborted.
 */
export async function uploadBlob(options: UploadOptions): Promise<void> {
  const { metadata, ciphertext, signal } = options;
  signal?.throwIfAborted();
  const fingerprint = uploadFingerprint(metadata);
  const tusMetadata: Record<string, string> = {};
  for (const key of UPLOAD_METADATA_KEYS) tusMetadata[key] = metadata[key];

  await new Promise<void>((resolve, reject) => {
    const aborted = (): Error =>
      signal?.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
    /** The creation (POST) was under way when the upload was given up: see `onAbort`. */
    let abandoned = false;
    const upload = new Upload(ciphertext, {
      endpoint: options.endpoint,
      metadata: tusMetadata,
      uploadSize: ciphertext.size,
      fingerprint: () => Promise.resolve(fingerprint),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      retryDelays: options.retryDelays ?? DEFAULT_RETRY_DELAYS,
      onShouldRetry: (error: DetailedError) =>
        !abandoned && isRetryableStatus(error.originalResponse?.getStatus()),
      onUploadUrlAvailable: () => {
        if (!abandoned) return;
        // The abandoned creation answered: the upload exists on the server. No PATCH follows (tus
        // checks `abort` before each), and tus keeps the URL in its storage right after this
        // callback returns, in the same task: settled after that, `terminateUpload` finds it.
        void upload.abort(false);
        queueMicrotask(() => reject(aborted()));
      },
      onProgress: (sent, total) => options.onProgress?.({ sent, total }),
      onSuccess: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      onError: (error) => {
        signal?.removeEventListener('abort', onAbort);
        const response = (error as DetailedError).originalResponse;
        const status = response?.getStatus();
        if (response && status !== undefined && !isRetryableStatus(status))
          reject(refusalOf(status, response.getBody()));
        else reject(error);
      },
    });
    // Abort keeps the server's upload (no terminate): the bytes it has are where the next try resumes.
    // Given up while its creation is under way (started, no URL yet), the POST is let finish: cut
    // short, the server could make the upload without the page ever learning its URL, and it
    // would count against the quota until the server's expiry (seen under load in CI). Its answer
    // settles the upload (onUploadUrlAvailable, or onError: no retry once abandoned).
    const onAbort = (): void => {
      if (started && upload.url === null) {
        abandoned = true;
        return;
      }
      void upload.abort(false);
      reject(aborted());
    };
    let started = false;
    signal?.addEventListener('abort', onAbort, { once: true });
    upload
      .findPreviousUploads()
      .then((previous) => {
        if (signal?.aborted) return;
        const newest = previous.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
        if (newest) upload.resumeFromPreviousUpload(newest);
        started = true;
        upload.start();
      })
      .catch(reject);
  });
}
