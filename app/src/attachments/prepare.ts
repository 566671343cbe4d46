import {
  ATTACHMENT_CIPHER,
  ATTACHMENT_LIMITS,
  type AttachmentEntry,
  type AttachmentThumbnail,
} from '@messenjo/shared';
import { encryptFile, newFileKey } from './file-cipher.ts';
import { attachmentName, attachmentType, kindOf } from './file-facts.ts';
import type { PendingBlob } from './pending-store.ts';
import { previewPicture } from './picture.ts';
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

type FileFields = Pick<AttachmentEntry, 'cipher' | 'blob' | 'key' | 'size' | 'chunkBytes' | 'type' | 'name'>;

/**
 * What every attachment entry says of its file: how it is sealed, and its type and name. Before
 * it is sealed (a preview), no blob or key yet, and the chosen file's size.
 */
function sealedFile(sealed: Pick<Sealed, 'blob' | 'key' | 'size'>, type: string, name: string): FileFields {
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

const unsealedFile = (file: Blob, type: string, name: string): FileFields =>
  sealedFile({ blob: '', key: '', size: file.size }, type, name);

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
 * A chosen file as the timeline shows it before its own bytes are sealed (docs/attachments.md,
 * "Sending"): the entry's facts (kind, size in pixels, ThumbHash, sealed thumbnail, name, size,
 * type), with `blob` and `key` still empty. A picture's comes after one decode (~0.1 s for a 12 MP
 * photo), its re-encoding and encryption (seconds) after it.
 */
export interface AttachmentPreview {
  entry: AttachmentEntry;
  /** The sealed thumbnail or poster, ready before the file: the device keeps it to show it at once. */
  thumbnail?: PendingBlob;
}

/** A chosen file previewed: what the timeline shows now, and the slow rest (encryption) to run next. */
export interface PreviewedAttachment {
  preview: AttachmentPreview;
  seal(): Promise<PreparedAttachment>;
}

/**
 * Makes a chosen file ready to send, in two steps: `previewAttachment` finds what the timeline
 * shows (a voice note's measured facts (`voice`), a picture's thumbnail, ThumbHash and size, a
 * video's poster; the thumbnail sealed under its own key), then `seal` makes the file to send (a
 * picture loses its EXIF unless `keepMetadata`) and encrypts it. Nothing leaves the device here.
 */
export async function previewAttachment(
  file: File,
  options: { keepMetadata: boolean; voice?: VoiceFacts },
): Promise<PreviewedAttachment> {
  const name = attachmentName(file.name);
  const type = attachmentType(file.type);
  if (options.voice) {
    // A voice note: its length and waveform, measured when it was recorded, go in the entry.
    const facts = {
      kind: 'voice' as const,
      durationMs: options.voice.durationMs,
      waveform: options.voice.waveform,
    };
    return {
      preview: { entry: { ...facts, ...unsealedFile(file, type, name) } },
      seal: async () => {
        const sealed = await encrypted(file);
        return { entry: { ...facts, ...sealedFile(sealed, type, name) }, blobs: [sealed.pending] };
      },
    };
  }
  const picture = kindOf(type) === 'image' ? await previewPicture(file) : null;
  if (picture) {
    const thumb = await encrypted(picture.thumbnail.bytes);
    const facts = {
      kind: 'image' as const,
      width: picture.width,
      height: picture.height,
      thumbnail: sealedThumbnail(thumb, picture.thumbnail),
      thumbHash: picture.thumbHash,
    };
    return {
      preview: { entry: { ...facts, ...unsealedFile(file, type, name) }, thumbnail: thumb.pending },
      seal: async () => {
        const sent = await picture.finish(options.keepMetadata);
        const main = await encrypted(sent.file);
        return {
          entry: { ...facts, ...sealedFile(main, attachmentType(sent.file.type || type), name) },
          blobs: [main.pending, thumb.pending],
        };
      },
    };
  }
  const video = type.startsWith('video/') ? await prepareVideo(file) : null;
  if (video) {
    const poster = await encrypted(video.thumbnail.bytes);
    const facts = {
      kind: 'video' as const,
      width: video.width,
      height: video.height,
      thumbnail: sealedThumbnail(poster, video.thumbnail),
      thumbHash: video.thumbHash,
      ...(video.durationMs > 0 ? { durationMs: video.durationMs } : {}),
    };
    return {
      preview: { entry: { ...facts, ...unsealedFile(file, type, name) }, thumbnail: poster.pending },
      seal: async () => {
        const main = await encrypted(file);
        return {
          entry: { ...facts, ...sealedFile(main, type, name) },
          blobs: [main.pending, poster.pending],
        };
      },
    };
  }
  return {
    preview: { entry: { kind: 'file', ...unsealedFile(file, type, name) } },
    seal: async () => {
      const sealed = await encrypted(file);
      return { entry: { kind: 'file', ...sealedFile(sealed, type, name) }, blobs: [sealed.pending] };
    },
  };
}

/** Both steps at once (`previewAttachment`, then `seal`). */
export async function prepareAttachment(
  file: File,
  options: { keepMetadata: boolean; voice?: VoiceFacts },
): Promise<PreparedAttachment> {
  return (await previewAttachment(file, options)).seal();
}
