import { USER_SEARCH_MAX_RESULTS, USER_SEARCH_MIN_CHARS, type UserSearchResult } from '@messenjo/shared';
import type { Sql } from '../db/index.ts';
import { refuse } from './refusals.ts';
import type { Relationships } from './relationships.ts';
import type { UserDirectory } from './user-directory.ts';

/**
 * Finds people by username prefix, case-insensitively, on the unique index (a range scan, so
 * `_` and `%` in a query are plain characters). Blocked users and users who blocked the
 * searcher never appear; nor do deleted accounts or the searcher.
 */
export class UserSearch {
  constructor(
    private readonly db: Sql,
    private readonly users: UserDirectory,
    private readonly relationships: Relationships,
  ) {}

  async search(me: string, rawQuery: unknown): Promise<UserSearchResult[]> {
    if (typeof rawQuery !== 'string') throw refuse.invalid('The search needs text', 'q');
    const prefix = rawQuery.trim().replace(/^@/, '').toLowerCase();
    if ([...prefix].length < USER_SEARCH_MIN_CHARS) {
      throw refuse.invalid(`Type at least ${USER_SEARCH_MIN_CHARS} characters`, 'q');
    }
    if (prefix.length > 32) return [];
    // username_key is byte-ordered on both engines (COLLATE "C" on PostgreSQL), so the range is a prefix.
    const rows = await this.db.all<{
      id: string;
      username: string | null;
      display_name: string;
      deleted_at: number | null;
      picture_hash: string | null;
    }>(
      `SELECT u.id, u.username, u.display_name, u.deleted_at, m.hash AS picture_hash
       FROM users u LEFT JOIN media m ON m.id = u.picture_media_id
       WHERE u.username_key >= ? AND u.username_key < ? AND u.deleted_at IS NULL AND u.id <> ?
         AND u.id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = ?)
         AND u.id NOT IN (SELECT blocker_id FROM blocks WHERE blocked_id = ?)
       ORDER BY u.username_key LIMIT ?`,
      [prefix, `${prefix}\uffff`, me, me, me, USER_SEARCH_MAX_RESULTS],
    );
    return Promise.all(
      rows.map(async (row) => ({
        ...this.users.toSummary(row),
        relationship: await this.relationships.relationship(me, row.id),
      })),
    );
  }
}
