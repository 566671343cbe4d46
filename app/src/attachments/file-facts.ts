import { ATTACHMENT_LIMITS, type AttachmentKind } from '@messenjo/shared';

/**
 * What the app says of a chosen file before it is encrypted: its kind, a name and type the
 * message entry accepts (shared/src/schema/attachments.ts), its size against the operator's
 * limit, and the box a picture is drawn in. Pure, so unit-tested in Node.
 */

/** Pictures the browser decodes and the app re-encodes (stripping EXIF) and thumbnails. */
const PICTURE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'];

export function kindOf(type: string): AttachmentKind {
  return PICTURE_TYPES.includes(type) ? 'image' : 'file';
}

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/** The file's MIME type without parameters, or application/octet-stream when the browser gave none. */
export function attachmentType(type: string): string {
  const bare = type.split(';')[0]?.trim().toLowerCase() ?? '';
  return MIME_TYPE.test(bare) && bare.length <= ATTACHMENT_LIMITS.MAX_TYPE_CHARS
    ? bare
    : 'application/octet-stream';
}

/**
 * The type a decrypted file's Blob is given on this device. The entry's type is the sender's
 * word, so only types the browser shows without running anything keep it: raster pictures,
 * audio and video (what `<img>`, `<audio>` and `<video>` need). Anything else (HTML, SVG, XML,
 * PDF, scripts) becomes application/octet-stream, so that even a blob URL opened in a tab of its
 * own ("Open image in new tab") is downloaded, never rendered in the app's origin.
 */
export function openedType(declared: string): string {
  const bare = attachmentType(declared);
  const shown = PICTURE_TYPES.includes(bare) || /^(audio|video)\/[a-z0-9][a-z0-9.+-]*$/.test(bare);
  return shown ? bare : 'application/octet-stream';
}

/** A name the entry accepts: no path, no control characters, at most 255 characters, never empty. */
export function attachmentName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const chars = [...clean];
  if (chars.length === 0) return 'file';
  if (chars.length <= ATTACHMENT_LIMITS.MAX_NAME_CHARS) return clean;
  // Keep the extension: it says what the file is.
  const dot = clean.lastIndexOf('.');
  const extension = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  return chars.slice(0, ATTACHMENT_LIMITS.MAX_NAME_CHARS - [...extension].length).join('') + extension;
}

const UNITS = ['bytes', 'kB', 'MB', 'GB'];

/** A size as people read it: 1.5 MB, 820 kB, 12 bytes (powers of 1,000, like file managers). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1);
  return `${shown} ${UNITS[unit]}`;
}

/** The sentence for a file over the operator's limit, or null when it may be sent. */
export function sizeProblem(name: string, size: number, maxBytes: number): string | null {
  if (size <= maxBytes) return null;
  return `${name} is ${formatBytes(size)}: files up to ${formatBytes(maxBytes)} can be sent.`;
}

/** A picture's size scaled to fit within `max` pixels on its longer side, never enlarged. */
export function fitWithin(width: number, height: number, max: number): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** Bytes as base64 without padding (the entry's thumbHash and waveform). */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/=+$/, '');
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Why these files cannot be sent in one message (too many, one too large), or null. */
export function attachmentsProblem(
  files: readonly { name: string; size: number }[],
  maxFileBytes: number = ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES,
): string | null {
  if (files.length > ATTACHMENT_LIMITS.MAX_PER_MESSAGE)
    return `A message can carry at most ${ATTACHMENT_LIMITS.MAX_PER_MESSAGE} files.`;
  for (const file of files) {
    const problem = sizeProblem(file.name, file.size, maxFileBytes);
    if (problem) return problem;
  }
  return null;
}
