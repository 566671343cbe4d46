import type { PictureUrls } from '@messenjo/shared';
import type { Sql } from '../../db/index.ts';

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
  constructor(private readonly db: Sql) {}

  async get(id: string): Promise<MediaRecord | null> {
    const row = await this.db.get<{ id: string; owner_id: string; hash: string; created_at: number }>(
      'SELECT * FROM media WHERE id = ?',
      [id],
    );
    return row ? { id: row.id, ownerId: row.owner_id, hash: row.hash, createdAt: row.created_at } : null;
  }

  async insert(record: MediaRecord): Promise<void> {
    await this.db.run('INSERT INTO media (id, owner_id, hash, created_at) VALUES (?, ?, ?, ?)', [
      record.id,
      record.ownerId,
      record.hash,
      record.createdAt,
    ]);
  }

  /**
   * Deletes the row; resolves with how many rows still use its bytes (the same picture uploaded
   * twice shares files), counted in the same transaction, so two releases of the last two rows
   * cannot both leave the files behind.
   */
  delete(id: string, hash: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM media WHERE id = ?', [id]);
      const row = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM media WHERE hash = ?', [hash]);
      return row?.n ?? 0;
    });
  }

  /** How many media rows use these bytes. */
  async countByHash(hash: string): Promise<number> {
    return (
      (await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM media WHERE hash = ?', [hash]))?.n ?? 0
    );
  }

  async urls(id: string | null): Promise<PictureUrls | null> {
    if (id === null) return null;
    const record = await this.get(id);
    if (!record) return null;
    return {
      large: mediaUrl(record.hash, PICTURE_SIZES.large),
      small: mediaUrl(record.hash, PICTURE_SIZES.small),
    };
  }
}
