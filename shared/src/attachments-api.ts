import { ATTACHMENT_LIMITS } from './limits.ts';
import { encryptedSize } from './schema/attachments.ts';

/**
 * The HTTP side of attachments (issue 17; docs/attachments.md, "Uploads and downloads"): where
 * encrypted blobs go up (the tus protocol, resumable) and come down. The blob itself is opaque
 * ciphertext; what it is travels in the message's attachment entry, never here.
 */
export const ATTACHMENT_ROUTES = {
  /** tus 1.0.0 creation endpoint; an upload is `${uploads}/<upload id>` (HEAD, PATCH, DELETE). */
  uploads: '/api/uploads',
  /** `${blobs}/<blob id>`: the ciphertext, to signed-in current members of a conversation that references it. */
  blobs: '/api/blobs',
  /** GET: the operator's limits and what the signed-in person uses (`AttachmentLimitsResponse`). */
  limits: '/api/attachments/limits',
} as const;

/**
 * `GET /api/attachments/limits`: what the app needs to refuse a file before encrypting and
 * uploading it (`attachmentRefusal`) and to show how much of her quota a person uses.
 */
export interface AttachmentLimitsResponse {
  /** The largest file that may be sent, in plaintext bytes (the operator's ATTACHMENT_MAX_BYTES). */
  maxFileBytes: number;
  /** The stored bytes this person may keep (ATTACHMENT_QUOTA_BYTES): ciphertext, as the server stores it. */
  quotaBytes: number;
  /**
   * What she uses of it now: the ciphertext of the distinct blobs she uploaded, plus the
   * declared lengths of her uploads in progress (the server counts them before they finish).
   */
  usedBytes: number;
}

/**
 * Why a file of `size` plaintext bytes would be refused under these limits, as the server's
 * code would say it (`attachment_too_large`, `attachment_quota_exceeded`), or null when it fits.
 * The quota is of ciphertext: each 1 MiB chunk gains its 16-byte tag.
 */
export function attachmentRefusal(
  limits: AttachmentLimitsResponse,
  size: number,
): 'attachment_too_large' | 'attachment_quota_exceeded' | null {
  if (size > limits.maxFileBytes) return 'attachment_too_large';
  if (limits.usedBytes + encryptedSize(size, ATTACHMENT_LIMITS.CHUNK_BYTES) > limits.quotaBytes)
    return 'attachment_quota_exceeded';
  return null;
}

/**
 * The tus `Upload-Metadata` an upload must carry. The server ties the upload to the signed-in
 * uploader and this conversation (she must be able to write in it), and on the last byte
 * checks that the SHA-256 of what arrived is `blob`; a mismatch keeps nothing.
 */
export interface UploadMetadata {
  /** The conversation the file is sent in. */
  conversation: string;
  /** The ciphertext's SHA-256, 64 lowercase hex digits (the entry's `blob`). */
  blob: string;
}

/** The metadata keys, in the order the app sends them. */
export const UPLOAD_METADATA_KEYS = [
  'conversation',
  'blob',
] as const satisfies readonly (keyof UploadMetadata)[];

/** The blob path for an id (already checked with `isBlobId`). */
export function blobPath(blobId: string): string {
  return `${ATTACHMENT_ROUTES.blobs}/${blobId}`;
}

/**
 * The strong entity tag of a content-addressed blob (its `ETag`): its hash never names other
 * bytes. A resuming download sends it as `If-Range`, so a range is only ever a piece of this blob.
 */
export function blobEtag(blobId: string): string {
  return `"${blobId}"`;
}
