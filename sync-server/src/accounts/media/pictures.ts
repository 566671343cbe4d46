import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { LIMITS } from '@messenjo/shared';
import { DomainError } from '../../domain-error.ts';
import { newId } from '../../ids.ts';
import { detectImageFormat } from './detect-image.ts';
import { PICTURE_SIZES, type MediaRecord, type MediaStore } from './media-store.ts';

/** Larger images are refused from their header, before any pixel is decoded (decompression bombs). */
export const MAX_PICTURE_PIXELS = 40_000_000;

/**
 * The picture pipeline, for profile pictures and group pictures alike: check the bytes (type by
 * content, size, dimensions from the header), decode once, crop to a centred square, re-encode
 * to WebP at 256 and 64 px with every metadata field dropped, and store under the content hash.
 */
export class Pictures {
  constructor(
    private readonly media: MediaStore,
    private readonly dir: string,
    private readonly now: () => number,
  ) {}

  filePath(hash: string, size: number): string {
    return path.join(this.dir, `${hash}-${size}.webp`);
  }

  /** One picture is decoded at a time: a 40-megapixel decode takes ~160 MB, and a few at once would not fit. */
  private queue: Promise<unknown> = Promise.resolve();

  ingest(ownerId: string, bytes: Uint8Array): Promise<MediaRecord> {
    const run = this.queue.then(() => this.process(ownerId, bytes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(ownerId: string, bytes: Uint8Array): Promise<MediaRecord> {
    if (bytes.length > LIMITS.UPLOAD_BYTES) throw tooLarge();
    const format = detectImageFormat(bytes);
    if (!format) {
      throw new DomainError(
        'unsupported_media_type',
        'The file is not a JPEG, PNG, WebP, GIF or AVIF image',
        'picture',
      );
    }
    const input = { limitInputPixels: MAX_PICTURE_PIXELS, pages: 1, failOn: 'error' as const };
    let width: number | undefined;
    let height: number | undefined;
    try {
      ({ width, height } = await sharp(bytes, { ...input, limitInputPixels: false }).metadata());
    } catch {
      throw undecodable();
    }
    if (!width || !height) throw undecodable();
    if (width * height > MAX_PICTURE_PIXELS) {
      throw new DomainError(
        'validation_failed',
        `The image is ${width}×${height} pixels; pictures may have at most ${MAX_PICTURE_PIXELS / 1_000_000} megapixels`,
        'picture',
      );
    }
    const variants = new Map<number, Buffer>();
    try {
      // Decode once: rotate() applies the EXIF orientation before it is dropped, then the centred
      // square at the large size stays raw in memory and both variants are encoded from it.
      // sharp writes no metadata (EXIF, GPS, XMP, ICC) unless asked to.
      const { data, info } = await sharp(bytes, input)
        .rotate()
        .resize(PICTURE_SIZES.large, PICTURE_SIZES.large, { fit: 'cover', position: 'centre' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
      variants.set(PICTURE_SIZES.large, await sharp(data, raw).webp({ quality: 82 }).toBuffer());
      variants.set(
        PICTURE_SIZES.small,
        await sharp(data, raw)
          .resize(PICTURE_SIZES.small, PICTURE_SIZES.small)
          .webp({ quality: 82 })
          .toBuffer(),
      );
    } catch {
      throw undecodable();
    }
    const hash = createHash('sha256').update(variants.get(PICTURE_SIZES.large)!).digest('hex');
    mkdirSync(this.dir, { recursive: true });
    for (const [size, data] of variants) {
      const file = this.filePath(hash, size);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, data);
      renameSync(tmp, file);
    }
    const record: MediaRecord = { id: newId('media'), ownerId, hash, createdAt: this.now() };
    await this.media.insert(record);
    return record;
  }

  /** Forgets a media row; its files go once no other row shares the same bytes. */
  async release(mediaId: string): Promise<void> {
    const record = await this.media.get(mediaId);
    if (!record) return;
    if ((await this.media.delete(mediaId, record.hash)) === 0) {
      for (const size of [PICTURE_SIZES.large, PICTURE_SIZES.small])
        rmSync(this.filePath(record.hash, size), { force: true });
    }
  }
}

// Refusals by code alone (`DomainError`): the HTTP layer's `onError` answers 413, 415 or 400.
const tooLarge = (): DomainError =>
  new DomainError(
    'payload_too_large',
    `Pictures may be at most ${LIMITS.UPLOAD_BYTES / (1024 * 1024)} MB`,
    'picture',
  );
const undecodable = (): DomainError =>
  new DomainError('validation_failed', 'The image could not be read: it may be damaged', 'picture');
