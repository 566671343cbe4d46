/**
 * The outbox's one upload failure that is final (attachment-outbox.ts), apart from the uploader
 * (tus-upload.ts): the outbox is part of the session's engine, loaded at every start, and the
 * uploader brings tus-js-client (~50 KB of script), loaded only when something is sent.
 */

/** The server refused the upload for a reason that will not change by retrying (too large, over quota, not a member). */
export class UploadRefusedError extends Error {
  override readonly name = 'UploadRefusedError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
