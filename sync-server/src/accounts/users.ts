import { usernameKey } from '@messenjo/shared';
import type { Db } from '../db/index.ts';
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
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  get(id: string): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ? AND deleted_at IS NULL').get(id) as
      UserRow | undefined;
    return row ? toUser(row) : null;
  }

  /** Any account ever made (deleted ones too): the first one of a fresh server becomes its admin. */
  isFreshServer(): boolean {
    return this.db.prepare('SELECT 1 FROM users LIMIT 1').get() === undefined;
  }

  /**
   * Creates an account. The first account of a fresh server is its admin. A taken or invalid
   * suggested username is simply not used: the person chooses one at first sign-in.
   */
  create(input: { displayName: string; username?: string | null; suggestedUsername?: string | null }): User {
    return this.db
      .transaction(() => {
        const isAdmin = this.isFreshServer();
        const id = newId('u');
        const username = input.username && !this.isTaken(input.username) ? input.username : null;
        this.db
          .prepare(
            `INSERT INTO users (id, username, username_key, display_name, is_admin, created_at, suggested_username)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            username,
            username === null ? null : usernameKey(username),
            input.displayName,
            isAdmin ? 1 : 0,
            this.now(),
            input.suggestedUsername ?? null,
          );
        return this.get(id)!;
      })
      .immediate();
  }

  isTaken(username: string, exceptUserId?: string): boolean {
    const row = this.db.prepare('SELECT id FROM users WHERE username_key = ?').get(usernameKey(username)) as
      { id: string } | undefined;
    return row !== undefined && row.id !== exceptUserId;
  }

  /** Sets the username (already validated against the rules); a clash is `username_taken` naming the field. */
  setUsername(userId: string, username: string): void {
    if (this.isTaken(username, userId)) throw refuse.usernameTaken(username);
    try {
      this.db
        .prepare('UPDATE users SET username = ?, username_key = ?, suggested_username = NULL WHERE id = ?')
        .run(username, usernameKey(username), userId);
    } catch (error) {
      // Two requests racing for the same name: the UNIQUE index decides.
      if (error instanceof Error && /UNIQUE/.test(error.message)) throw refuse.usernameTaken(username);
      throw error;
    }
  }

  setDisplayName(userId: string, displayName: string): void {
    this.db.prepare('UPDATE users SET display_name = ? WHERE id = ?').run(displayName, userId);
  }

  setPicture(userId: string, mediaId: string | null): void {
    this.db.prepare('UPDATE users SET picture_media_id = ? WHERE id = ?').run(mediaId, userId);
  }
}
