import { usernameKey } from '@messenjo/shared';
import { isUniqueViolation, type Sql } from '../db/index.ts';
import { newId } from '../ids.ts';
import { refuse } from './refusals.ts';

export interface User {
  id: string;
  username: string | null;
  displayName: string;
  isAdmin: boolean;
  createdAt: number;
  pictureMediaId: string | null;
  suggestedUsername: string | null;
}

interface UserRow {
  id: string;
  username: string | null;
  display_name: string;
  is_admin: number;
  created_at: number;
  picture_media_id: string | null;
  suggested_username: string | null;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  isAdmin: row.is_admin === 1,
  createdAt: row.created_at,
  pictureMediaId: row.picture_media_id,
  suggestedUsername: row.suggested_username,
});

/** The users table as the accounts feature sees it. Deleted users are invisible here. */
export class UserStore {
  constructor(
    private readonly db: Sql,
    private readonly now: () => number,
  ) {}

  async get(id: string, q: Sql = this.db): Promise<User | null> {
    const row = await q.get<UserRow>('SELECT * FROM users WHERE id = ? AND deleted_at IS NULL', [id]);
    return row ? toUser(row) : null;
  }

  /** Any account ever made (deleted ones too): the first one of a fresh server becomes its admin. */
  async isFreshServer(q: Sql = this.db): Promise<boolean> {
    return (await q.get('SELECT 1 AS one FROM users LIMIT 1')) === undefined;
  }

  /**
   * Creates an account. The first account of a fresh server is its admin. A taken or invalid
   * suggested username is simply not used: the person chooses one at first sign-in.
   */
  create(
    input: { displayName: string; username?: string | null; suggestedUsername?: string | null },
    q: Sql = this.db,
  ): Promise<User> {
    // One transaction: two first accounts at once, and only one is the admin.
    return q.transaction(async (tx) => {
      const isAdmin = await this.isFreshServer(tx);
      const id = newId('u');
      const username =
        input.username && !(await this.isTaken(input.username, undefined, tx)) ? input.username : null;
      await tx.run(
        `INSERT INTO users (id, username, username_key, display_name, is_admin, created_at, suggested_username)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          username,
          username === null ? null : usernameKey(username),
          input.displayName,
          isAdmin ? 1 : 0,
          this.now(),
          input.suggestedUsername ?? null,
        ],
      );
      return (await this.get(id, tx))!;
    });
  }

  async isTaken(username: string, exceptUserId?: string, q: Sql = this.db): Promise<boolean> {
    const row = await q.get<{ id: string }>('SELECT id FROM users WHERE username_key = ?', [
      usernameKey(username),
    ]);
    return row !== undefined && row.id !== exceptUserId;
  }

  /** Sets the username (already validated against the rules); a clash is `username_taken` naming the field. */
  async setUsername(userId: string, username: string): Promise<void> {
    if (await this.isTaken(username, userId)) throw refuse.usernameTaken(username);
    try {
      await this.db.run(
        'UPDATE users SET username = ?, username_key = ?, suggested_username = NULL WHERE id = ?',
        [username, usernameKey(username), userId],
      );
    } catch (error) {
      // Two requests racing for the same name: the UNIQUE index decides.
      if (isUniqueViolation(error)) throw refuse.usernameTaken(username);
      throw error;
    }
  }

  async setDisplayName(userId: string, displayName: string): Promise<void> {
    await this.db.run('UPDATE users SET display_name = ? WHERE id = ?', [displayName, userId]);
  }

  async setPicture(userId: string, mediaId: string | null): Promise<void> {
    await this.db.run('UPDATE users SET picture_media_id = ? WHERE id = ?', [mediaId, userId]);
  }
}
