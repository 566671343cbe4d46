import { USER_SEARCH_MAX_RESULTS, USER_SEARCH_MIN_CHARS, type UserSearchResult } from '@messenjo/shared';
import type { Db } from '../db/index.ts';
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
    private readonly db: Db,
    private readonly users: UserDirectory,
    private readonly relationships: Relationships,
  ) {}

  search(me: string, rawQuery: unknown): UserSearchResult[] {
    if (typeof rawQuery !== 'string') throw refuse.invalid('The search needs text', 'q');
    const prefix = rawQuery.trim().replace(/^@/, '').toLowerCase();
    if ([...prefix].length < USER_SEARCH_MIN_CHARS) {
      throw refuse.invalid(`Type at least ${USER_SEARCH_MIN_CHARS} characters`, 'q');
    }
    if (prefix.length > 32) return [];
    const rows = this.db
      .prepare(
        `SELECT u.id, u.username, u.display_name, u.deleted_at, m.hash AS picture_hash
         FROM users u LEFT JOIN media m ON m.id = u.picture_media_id
         WHERE u.username_key >= ? AND u.username_key < ? AND u.deleted_at IS NULL AND u.id <> ?
           AND u.id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = ?)
           AND u.id NOT IN (SELECT blocker_id FROM blocks WHERE blocked_id = ?)
         ORDER BY u.username_key LIMIT ?`,
      )
      .all(prefix, `${prefix}\uffff`, me, me, me, USER_SEARCH_MAX_RESULTS) as {
      id: string;
      username: string | null;
      display_name: string;
      deleted_at: number | null;
      picture_hash: string | null;
    }[];
    return rows.map((row) => ({
      ...this.users.toSummary(row),
      relationship: this.relationships.relationship(me, row.id),
    }));
  }
}
