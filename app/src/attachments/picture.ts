import { ATTACHMENT_LIMITS } from '@messenjo/shared';
import { rgbaToThumbHash } from 'thumbhash';
import { fitWithin, toBase64 } from './file-facts.ts';

/**
 * A picture made ready on the device, before anything is encrypted (docs/attachments.md,
 * "Pictures"): its size in pixels (the timeline reserves the box at once), a thumbnail (~320 px
 * WebP) and a ThumbHash placeholder, and the picture itself re-encoded through a canvas, which
 * drops EXIF (the location a phone camera writes) unless the person keeps it. Browser-only
 * (createImageBitmap, canvas).
 */

export interface PreparedPicture {
  /** The picture to send: re-encoded without metadata, or the original when kept or not re-encodable. */
  file: Blob;
  width: number;
  height: number;
  thumbnail: { bytes: Blob; type: 'image/webp' | 'image/jpeg' | 'image/png'; width: number; height: number };
  thumbHash: string;
}

const THUMBNAIL_PIXELS = 320;
/** ThumbHash encodes pictures of at most 100×100. */
const THUMBHASH_PIXELS = 100;
/** Types a canvas writes in every browser; GIF would lose its animation, so it is sent as it is. */
const REENCODED = new Set(['image/jpeg', 'image/png', 'image/webp']);

function canvasOf(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function draw(bitmap: ImageBitmap, width: number, height: number): HTMLCanvasElement {
  const canvas = canvasOf(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw pictures (no 2D canvas)');
  context.drawImage(bitmap, 0, 0, width, height);
  return canvas;
}

function encode(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The picture could not be encoded'))),
      type,
      quality,
    ),
  );
}

type ThumbType = PreparedPicture['thumbnail']['type'];
const isThumbType = (type: string): type is ThumbType =>
  type === 'image/webp' || type === 'image/jpeg' || type === 'image/png';

/** The thumbnail: WebP where the browser writes it (Safari falls back to PNG), JPEG if that is too big. */
export async function thumbnailOf(bitmap: ImageBitmap): Promise<PreparedPicture['thumbnail']> {
  const size = fitWithin(bitmap.width, bitmap.height, THUMBNAIL_PIXELS);
  const canvas = draw(bitmap, size.width, size.height);
  let bytes = await encode(canvas, 'image/webp', 0.8);
  if (!isThumbType(bytes.type) || bytes.size > ATTACHMENT_LIMITS.MAX_THUMBNAIL_BYTES)
    bytes = await encode(canvas, 'image/jpeg', 0.7);
  if (!isThumbType(bytes.type)) throw new Error('The thumbnail could not be encoded');
  return { bytes, type: bytes.type, ...size };
}

export function thumbHashOf(bitmap: ImageBitmap): string {
  const size = fitWithin(bitmap.width, bitmap.height, THUMBHASH_PIXELS);
  const canvas = draw(bitmap, size.width, size.height);
  const pixels = canvas.getContext('2d')?.getImageData(0, 0, size.width, size.height);
  if (!pixels) throw new Error('This browser cannot read pictures (no 2D canvas)');
  return toBase64(rgbaToThumbHash(size.width, size.height, pixels.data));
}

/**
 * What the timeline needs of a picture to show it at once (its box, placeholder and thumbnail),
 * from one decode, and `finish`, which makes the file to send: re-encoded without EXIF (decoded
 * once more: holding every chosen photo decoded would take ~50 MB each), or the original when
 * `keepMetadata` or not re-encodable. Null when the browser cannot decode it (then it is sent as
 * a file).
 */
export interface PicturePreview extends Omit<PreparedPicture, 'file'> {
  finish(keepMetadata: boolean): Promise<PreparedPicture>;
}

/** The decoded picture, upright: the orientation EXIF gives is applied, since re-encoding drops EXIF. */
const decode = (file: Blob): Promise<ImageBitmap> =>
  createImageBitmap(file, { imageOrientation: 'from-image' });

export async function previewPicture(file: Blob): Promise<PicturePreview | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await decode(file);
  } catch {
    return null;
  }
  let facts: Omit<PreparedPicture, 'file'>;
  try {
    const { width, height } = bitmap;
    const [thumbnail, thumbHash] = [await thumbnailOf(bitmap), thumbHashOf(bitmap)];
    facts = { width, height, thumbnail, thumbHash };
  } finally {
    bitmap.close();
  }
  return {
    ...facts,
    finish: async (keepMetadata) => {
      if (keepMetadata || !REENCODED.has(file.type)) return { file, ...facts };
      const again = await decode(file);
      try {
        const canvas = draw(again, facts.width, facts.height);
        let sent = await encode(canvas, file.type, file.type === 'image/png' ? undefined : 0.92);
        // A browser that cannot write this type answers PNG: keep the type the entry names true.
        if (sent.type !== file.type) sent = await encode(canvas, 'image/png');
        return { file: sent, ...facts };
      } finally {
        again.close();
      }
    },
  };
}
