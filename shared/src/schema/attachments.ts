import { ATTACHMENT_LIMITS } from '../limits.ts';

/**
 * The attachment entry a message carries (issue 17): everything another device needs to fetch,
 * verify and decrypt one file. The blob store only ever sees the ciphertext addressed by its
 * hash; the key, name, type and plaintext size travel here, inside the message, so that when
 * messages become end-to-end encrypted these entries are encrypted with them and nothing about
 * the blob store has to change.
 *
 * Encryption (docs/attachments.md, "Encryption"): AES-256-GCM over chunks of `chunkBytes`
 * plaintext bytes with a fresh random key per file. Chunk i is sealed with the 96-bit nonce
 * `uint64be(i) ‖ 0x00000000` (or `‖ 0x00000001` for the last chunk), so chunks cannot be
 * reordered, dropped or the file cut short without a decryption failure. A key seals one file
 * only, so no (key, nonce) pair ever repeats.
 */

export const ATTACHMENT_KINDS = ['image', 'video', 'file', 'voice'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** The encryption scheme's name, versioned so a later scheme can sit beside it. */
export const ATTACHMENT_CIPHER = 'aes256gcm-chunked-v1';

/** One encrypted blob: the ciphertext's SHA-256 (its address), the key and the plaintext size. */
export interface EncryptedBlobRef {
  /** SHA-256 of the ciphertext as 64 lowercase hex digits: the blob's id on the server. */
  blob: string;
  /** 32 random bytes as base64url without padding (43 characters). */
  key: string;
  /** Plaintext size in bytes; the ciphertext is `encryptedSize(size, chunkBytes)` bytes. */
  size: number;
}

/** A small picture shown before the file is fetched (pictures and video). */
export interface AttachmentThumbnail extends EncryptedBlobRef {
  type: 'image/webp' | 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

export interface AttachmentEntry extends EncryptedBlobRef {
  kind: AttachmentKind;
  cipher: typeof ATTACHMENT_CIPHER;
  /** Plaintext bytes per chunk (the last chunk may be shorter). */
  chunkBytes: number;
  /** MIME type as the sender's browser reported it; never used to render the file as HTML. */
  type: string;
  /** The file's name as chosen by the sender (no path). */
  name: string;
  /** Pictures and video: their size in pixels, so the timeline reserves the space at once. */
  width?: number;
  height?: number;
  thumbnail?: AttachmentThumbnail;
  /** ThumbHash of the picture or poster frame, base64 (no padding), shown before the thumbnail. */
  thumbHash?: string;
  /** Voice notes and video: the length in milliseconds, measured on the device. */
  durationMs?: number;
  /** Voice notes: 1–128 levels 0–255, one per bar, as base64 (no padding): `encodeWaveform`. */
  waveform?: string;
}

/** Ciphertext size of a plaintext of `size` bytes: every chunk gains a 16-byte GCM tag. */
export function encryptedSize(size: number, chunkBytes: number): number {
  const chunks = Math.max(1, Math.ceil(size / chunkBytes));
  return size + chunks * ATTACHMENT_LIMITS.GCM_TAG_BYTES;
}

type Check<T> = { ok: true; value: T } | { ok: false; problem: string };
const bad = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });

const BLOB_ID = /^[0-9a-f]{64}$/;
const FILE_KEY = /^[A-Za-z0-9_-]{43}$/;
const BASE64 = /^[A-Za-z0-9+/]*$/;
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;
const THUMB_TYPES: readonly string[] = ['image/webp', 'image/jpeg', 'image/png'];

/** A blob id is the ciphertext's SHA-256 in one form only: 64 lowercase hex digits. */
export function isBlobId(value: unknown): value is string {
  return typeof value === 'string' && BLOB_ID.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKey(value: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !allowed.includes(key));
}

const isCount = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;

const isDimension = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= ATTACHMENT_LIMITS.MAX_PIXELS;

function checkBlobRef(value: Record<string, unknown>, what: string, maxSize: number): string | undefined {
  if (!isBlobId(value.blob)) return `${what} blob must be a SHA-256 as 64 lowercase hex digits`;
  if (typeof value.key !== 'string' || !FILE_KEY.test(value.key))
    return `${what} key must be 32 bytes as base64url (43 characters)`;
  if (!isCount(value.size, maxSize)) return `${what} size must be a byte count of at most ${maxSize}`;
  return undefined;
}

function checkThumbnail(value: unknown): string | undefined {
  if (!isRecord(value)) return 'thumbnail must be an object';
  const extra = unknownKey(value, ['blob', 'key', 'size', 'type', 'width', 'height']);
  if (extra) return `thumbnail has an unknown field ${extra}`;
  const ref = checkBlobRef(value, 'thumbnail', ATTACHMENT_LIMITS.MAX_THUMBNAIL_BYTES);
  if (ref) return ref;
  if (typeof value.type !== 'string' || !THUMB_TYPES.includes(value.type))
    return 'thumbnail type must be image/webp, image/jpeg or image/png';
  if (!isDimension(value.width) || !isDimension(value.height)) return 'thumbnail needs a width and height';
  return undefined;
}

function checkBase64(value: unknown, what: string, maxChars: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxChars || !BASE64.test(value))
    return `${what} must be base64 of at most ${maxChars} characters`;
  return undefined;
}

/**
 * A voice note (docs/attachments.md, "Voice notes"): audio, its length measured on the device
 * (a recorded WebM says nothing of its own), and its waveform: 1–MAX_WAVEFORM_LEVELS levels of
 * 0–255, one byte each, as unpadded base64 (so its length is never 1 more than a multiple of 4).
 */
function checkVoice(value: Record<string, unknown>): string | undefined {
  if (typeof value.type !== 'string' || !value.type.startsWith('audio/'))
    return 'a voice note must have an audio type such as audio/webm';
  if (value.durationMs === undefined) return 'a voice note needs its durationMs';
  if (value.waveform === undefined) return 'a voice note needs its waveform';
  const wave = checkBase64(value.waveform, 'waveform', ATTACHMENT_LIMITS.MAX_WAVEFORM_CHARS);
  if (wave) return wave;
  if ((value.waveform as string).length % 4 === 1)
    return 'waveform must be whole bytes of base64 (its length cannot be 4n + 1)';
  return undefined;
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * A waveform's levels (each rounded and held to 0–255) as the entry's unpadded base64. Written
 * out here: shared/ runs in the browser and in Node and assumes neither's globals.
 */
export function encodeWaveform(levels: readonly number[]): string {
  if (levels.length === 0 || levels.length > ATTACHMENT_LIMITS.MAX_WAVEFORM_LEVELS)
    throw new RangeError(`a waveform has 1–${ATTACHMENT_LIMITS.MAX_WAVEFORM_LEVELS} levels`);
  const bytes = levels.map((level) =>
    Number.isFinite(level) ? Math.min(255, Math.max(0, Math.round(level))) : 0,
  );
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = bytes.slice(i, i + 3);
    const group = (a << 16) | (b << 8) | c;
    const digits = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let d = 0; d < digits; d++) out += BASE64_DIGITS[(group >> (18 - 6 * d)) & 63];
  }
  return out;
}

/** The levels (0–255) of an entry's waveform; empty when it is not one (then shown flat). */
export function decodeWaveform(waveform: string | undefined): number[] {
  if (waveform === undefined || !BASE64.test(waveform) || waveform.length % 4 === 1) return [];
  const levels: number[] = [];
  let bits = 0;
  let held = 0;
  for (const digit of waveform) {
    held = (held << 6) | BASE64_DIGITS.indexOf(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      levels.push((held >> bits) & 255);
      held &= (1 << bits) - 1;
    }
  }
  return levels;
}

const ENTRY_KEYS = [
  'kind',
  'cipher',
  'blob',
  'key',
  'size',
  'chunkBytes',
  'type',
  'name',
  'width',
  'height',
  'thumbnail',
  'thumbHash',
  'durationMs',
  'waveform',
] as const;

/**
 * Checks one attachment entry's shape (docs/attachments.md, "The entry"). `maxFileBytes` is the
 * operator's limit (the server's config; ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES otherwise).
 * Whether the blob exists and who uploaded it is the server's store to say, not the shape's.
 */
export function checkAttachmentEntry(
  value: unknown,
  maxFileBytes: number = ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES,
): Check<AttachmentEntry> {
  if (!isRecord(value)) return bad('attachment must be an object');
  const extra = unknownKey(value, ENTRY_KEYS);
  if (extra) return bad(`attachment has an unknown field ${extra}`);
  if (typeof value.kind !== 'string' || !(ATTACHMENT_KINDS as readonly string[]).includes(value.kind))
    return bad(`attachment kind must be one of ${ATTACHMENT_KINDS.join(', ')}`);
  if (value.cipher !== ATTACHMENT_CIPHER) return bad(`attachment cipher must be ${ATTACHMENT_CIPHER}`);
  const ref = checkBlobRef(value, 'attachment', maxFileBytes);
  if (ref) return bad(ref);
  if (value.chunkBytes !== ATTACHMENT_LIMITS.CHUNK_BYTES)
    return bad(`attachment chunkBytes must be ${ATTACHMENT_LIMITS.CHUNK_BYTES}`);
  if (
    typeof value.type !== 'string' ||
    value.type.length > ATTACHMENT_LIMITS.MAX_TYPE_CHARS ||
    !MIME_TYPE.test(value.type)
  )
    return bad('attachment type must be a MIME type such as image/png');
  if (
    typeof value.name !== 'string' ||
    value.name.trim() === '' ||
    [...value.name].length > ATTACHMENT_LIMITS.MAX_NAME_CHARS
  )
    return bad(`attachment name must be 1–${ATTACHMENT_LIMITS.MAX_NAME_CHARS} characters`);
  // A name is shown as text and offered as a download name: no paths, no control characters.
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f]/.test(value.name))
    return bad('attachment name must not hold a path or control characters');
  if ((value.width === undefined) !== (value.height === undefined))
    return bad('attachment width and height come together');
  if (value.width !== undefined && (!isDimension(value.width) || !isDimension(value.height)))
    return bad(`attachment width and height must be 1–${ATTACHMENT_LIMITS.MAX_PIXELS} pixels`);
  const visual = value.kind === 'image' || value.kind === 'video';
  if (
    !visual &&
    (value.thumbnail !== undefined || value.thumbHash !== undefined || value.width !== undefined)
  )
    return bad('only pictures and video carry a thumbnail, thumbHash or size in pixels');
  if (value.thumbnail !== undefined) {
    const problem = checkThumbnail(value.thumbnail);
    if (problem) return bad(problem);
  }
  const hash = checkBase64(value.thumbHash, 'thumbHash', ATTACHMENT_LIMITS.MAX_THUMBHASH_CHARS);
  if (hash) return bad(hash);
  const timed = value.kind === 'voice' || value.kind === 'video';
  if (
    value.durationMs !== undefined &&
    (!timed || !isCount(value.durationMs, ATTACHMENT_LIMITS.MAX_DURATION_MS))
  )
    return bad('durationMs is for voice notes and video, at most 24 hours');
  if (value.waveform !== undefined && value.kind !== 'voice') return bad('only voice notes carry a waveform');
  if (value.kind === 'voice') {
    const problem = checkVoice(value);
    if (problem) return bad(problem);
  }
  return { ok: true, value: value as unknown as AttachmentEntry };
}

/** Checks a message's list of attachments: 1 to MAX_PER_MESSAGE entries, each valid. */
export function checkAttachmentList(
  value: unknown,
  maxFileBytes: number = ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES,
): Check<AttachmentEntry[]> {
  if (!Array.isArray(value) || value.length === 0 || value.length > ATTACHMENT_LIMITS.MAX_PER_MESSAGE)
    return bad(`attachments must be a list of 1–${ATTACHMENT_LIMITS.MAX_PER_MESSAGE} entries`);
  for (const item of value) {
    const checked = checkAttachmentEntry(item, maxFileBytes);
    if (!checked.ok) return checked;
  }
  return { ok: true, value: value as AttachmentEntry[] };
}

/** Every blob a list of attachments references (files and their thumbnails), for reference counting. */
export function attachmentBlobs(attachments: readonly AttachmentEntry[]): string[] {
  const blobs = new Set<string>();
  for (const attachment of attachments) {
    blobs.add(attachment.blob);
    if (attachment.thumbnail) blobs.add(attachment.thumbnail.blob);
  }
  return [...blobs];
}
