import type { PictureUrls, UserSummary } from '@messenjo/shared';
import { mediaUrl, PICTURE_SIZES } from '../accounts/media/media-store.ts';
import { inList, type Sql } from '../db/index.ts';

interface UserRow {
  id: string;
  username: string | null;
  display_name: string;
  deleted_at: number | null;
  picture_hash: string | null;
}

/** The SELECT every summary is built from: the user and the hash of their picture. */
const SUMMARY_COLUMNS = `u.id, u.username, u.display_name, u.deleted_at, m.hash AS picture_hash
  FROM users u LEFT JOIN media m ON m.id = u.picture_media_id`;

export function pictureUrls(hash: string | null): PictureUrls | null {
  if (hash === null) return null;
  return { large: mediaUrl(hash, PICTURE_SIZES.large), small: mediaUrl(hash, PICTURE_SIZES.small) };
}

/**
 * How users look to each other. One place builds a UserSummary, so the picture URL and the
 * "deleted user" rendering are decided once.
 */
export class UserDirectory {
  constructor(private readonly db: Sql) {}

  /** A live user with a username (able to take part), or undefined. */
  async findActive(userId: string, q: Sql = this.db): Promise<UserSummary | undefined> {
    const row = await q.get<UserRow>(`SELECT ${SUMMARY_COLUMNS} WHERE u.id = ?`, [userId]);
    if (!row || row.deleted_at !== null || row.username === null) return undefined;
    return this.toSummary(row);
  }

  /** Summaries for many ids in one query, keyed by id; deleted users show as "deleted user". */
  async summaries(userIds: readonly string[]): Promise<Map<string, UserSummary>> {
    const result = new Map<string, UserSummary>();
    if (userIds.length === 0) return result;
    const ids = inList(this.db, 'u.id', [...new Set(userIds)]);
    const rows = await this.db.all<UserRow>(`SELECT ${SUMMARY_COLUMNS} WHERE ${ids.clause}`, [ids.param]);
    for (const row of rows) result.set(row.id, this.toSummary(row));
    return result;
  }

  toSummary(row: UserRow): UserSummary {
    if (row.deleted_at !== null) {
      return { id: row.id, username: 'deleted', displayName: 'Deleted user', picture: null };
    }
    return {
      id: row.id,
      username: row.username ?? '',
      displayName: row.display_name || row.username || '',
      picture: pictureUrls(row.picture_hash),
    };
  }
}
