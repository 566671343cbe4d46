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
} as const;

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
