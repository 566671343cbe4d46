import type { PictureUrls } from '@messenjo/shared';
import type { Db } from '../../db/index.ts';

export interface MediaRecord {
  id: string;
  ownerId: string;
  hash: string;
  createdAt: number;
}

/** Picture variants the pipeline writes, by edge length in pixels. */
export const PICTURE_SIZES = { large: 256, small: 64 } as const;

/** URL of one variant: content-hashed, so it can be cached forever. */
export function mediaUrl(hash: string, size: number): string {
  return `/media/${hash}-${size}.webp`;
}

/** Rows of the media table (files live in DATA_DIR/media). */
export class MediaStore {
  constructor(private readonly db: Db) {}

  get(id: string): MediaRecord | null {
    const row = this.db.prepare('SELECT * FROM media WHERE id = ?').get(id) as
      { id: string; owner_id: string; hash: string; created_at: number } | undefined;
    return row ? { id: row.id, ownerId: row.owner_id, hash: row.hash, createdAt: row.created_at } : null;
  }

  insert(record: MediaRecord): void {
    this.db
      .prepare('INSERT INTO media (id, owner_id, hash, created_at) VALUES (?, ?, ?, ?)')
      .run(record.id, record.ownerId, record.hash, record.createdAt);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM media WHERE id = ?').run(id);
  }

  /** How many media rows still use these bytes (the same picture uploaded twice shares files). */
  countByHash(hash: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM media WHERE hash = ?').get(hash) as { n: number }).n;
  }

  urls(id: string | null): PictureUrls | null {
    if (id === null) return null;
    const record = this.get(id);
    if (!record) return null;
    return {
      large: mediaUrl(record.hash, PICTURE_SIZES.large),
      small: mediaUrl(record.hash, PICTURE_SIZES.small),
    };
  }
}
