import {
  ATTACHMENT_CIPHER,
  ATTACHMENT_LIMITS,
  type AttachmentEntry,
  type AttachmentThumbnail,
} from '@messenjo/shared';
import { encryptFile, newFileKey } from './file-cipher.ts';
import { attachmentName, attachmentType, kindOf } from './file-facts.ts';
import type { PendingBlob } from './pending-store.ts';
import { preparePicture } from './picture.ts';
import { prepareVideo } from './video.ts';
import type { VoiceFacts } from './voice-analysis.ts';

/** One chosen file, encrypted and described: its entry for the message and the blobs to upload. */
export interface PreparedAttachment {
  entry: AttachmentEntry;
  blobs: PendingBlob[];
}

async function encrypted(
  bytes: Blob,
): Promise<{ blob: string; key: string; size: number; pending: PendingBlob }> {
  const key = await newFileKey();
  const sealed = await encryptFile(bytes, key);
  return {
    blob: sealed.blob,
    key: key.encoded,
    size: sealed.size,
    pending: { blob: sealed.blob, ciphertext: sealed.ciphertext, uploaded: false },
  };
}

type Sealed = Awaited<ReturnType<typeof encrypted>>;

/** What every attachment entry says of its file: how it is sealed, and its type and name. */
function sealedFile(
  sealed: Sealed,
  type: string,
  name: string,
): Pick<AttachmentEntry, 'cipher' | 'blob' | 'key' | 'size' | 'chunkBytes' | 'type' | 'name'> {
  return {
    cipher: ATTACHMENT_CIPHER,
    blob: sealed.blob,
    key: sealed.key,
    size: sealed.size,
    chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
    type,
    name,
  };
}

/** A picture's or video's thumbnail, sealed under its own key. */
function sealedThumbnail(
  sealed: Sealed,
  thumbnail: Pick<AttachmentThumbnail, 'type' | 'width' | 'height'>,
): AttachmentThumbnail {
  return {
    blob: sealed.blob,
    key: sealed.key,
    size: sealed.size,
    type: thumbnail.type,
    width: thumbnail.width,
    height: thumbnail.height,
  };
}

/**
 * Makes a chosen file ready to send: a voice note (`voice`: its measured facts) goes as it was
 * recorded, a picture gets its thumbnail, ThumbHash and size and loses
 * its EXIF (unless `keepMetadata`), then the file (and the thumbnail, under its own key) is
 * encrypted. Nothing leaves the device here.
 */
export async function prepareAttachment(
  file: File,
  options: { keepMetadata: boolean; voice?: VoiceFacts },
): Promise<PreparedAttachment> {
  const name = attachmentName(file.name);
  const type = attachmentType(file.type);
  if (options.voice) {
    // A voice note: its length and waveform, measured when it was recorded, go in the entry.
    const sealed = await encrypted(file);
    const entry: AttachmentEntry = {
      kind: 'voice',
      ...sealedFile(sealed, type, name),
      durationMs: options.voice.durationMs,
      waveform: options.voice.waveform,
    };
    return { entry, blobs: [sealed.pending] };
  }
  const picture = kindOf(type) === 'image' ? await preparePicture(file, options.keepMetadata) : null;
  const video = type.startsWith('video/') ? await prepareVideo(file) : null;
  if (video) {
    const [main, poster] = [await encrypted(file), await encrypted(video.thumbnail.bytes)];
    const entry: AttachmentEntry = {
      kind: 'video',
      ...sealedFile(main, type, name),
      width: video.width,
      height: video.height,
      thumbnail: sealedThumbnail(poster, video.thumbnail),
      thumbHash: video.thumbHash,
    };
    if (video.durationMs > 0) entry.durationMs = video.durationMs;
    return { entry, blobs: [main.pending, poster.pending] };
  }
  if (!picture) {
    const sealed = await encrypted(file);
    const entry: AttachmentEntry = { kind: 'file', ...sealedFile(sealed, type, name) };
    return { entry, blobs: [sealed.pending] };
  }
  const [main, thumb] = [await encrypted(picture.file), await encrypted(picture.thumbnail.bytes)];
  const entry: AttachmentEntry = {
    kind: 'image',
    ...sealedFile(main, attachmentType(picture.file.type || type), name),
    width: picture.width,
    height: picture.height,
    thumbnail: sealedThumbnail(thumb, picture.thumbnail),
    thumbHash: picture.thumbHash,
  };
  return { entry, blobs: [main.pending, thumb.pending] };
}
