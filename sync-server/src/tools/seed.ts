import { type Database, type Db, MIGRATIONS, migrate, openDatabase, SqliteDatabase } from '../db/index.ts';
import { createEventBus } from '../events/bus.ts';
import { UserStore } from '../accounts/users.ts';
import { MembershipStore, type Role } from '../conversations/membership-store.ts';
import { sessionCookieName, SessionStore } from '../sessions/index.ts';

/**
 * Seeds people, sessions and conversations into a data folder's database through the server's
 * own stores (users, sessions, memberships), for tests and benchmarks: no raw rows.
 * Run it against a stopped server, or while one runs (SQLite WAL): a running server then sees
 * the rows but not the events (use the in-process server for live membership changes).
 */
export class Seeder {
  private constructor(
    readonly database: Database,
    readonly sessions: SessionStore,
    readonly memberships: MembershipStore,
    /** The SQLite connection when opened on a data folder's file (tests read the documents through it). */
    readonly sqlite?: Db,
  ) {}

  /** Opens (and migrates) a data folder's SQLite database; its events go nowhere (no server listens). */
  static open(file: string): Seeder {
    const db = openDatabase(file);
    migrate(db, MIGRATIONS);
    const database = new SqliteDatabase(db);
    const bus = createEventBus(() => {});
    return new Seeder(database, new SessionStore(database, bus), new MembershipStore(database, bus), db);
  }

  /** Seeds a database of either engine (already migrated); its events go nowhere. */
  static on(database: Database): Seeder {
    const bus = createEventBus(() => {});
    return new Seeder(database, new SessionStore(database, bus), new MembershipStore(database, bus));
  }

  /** Seeds through a running server's own stores, so their events reach its sockets. */
  static over(database: Database, stores: { sessions: SessionStore; memberships: MembershipStore }): Seeder {
    return new Seeder(database, stores.sessions, stores.memberships);
  }

  /** A user with a signed-in session; returns the Cookie header a device would send. */
  async user(
    username: string,
    publicUrl: URL,
  ): Promise<{ userId: string; cookie: string; sessionId: string }> {
    const user = await new UserStore(this.database, Date.now).create({ displayName: username, username });
    if (user.username !== username) throw new Error(`seed: the username ${username} is taken`);
    const userId = user.id;
    const { token, session } = await this.sessions.create(userId, 'seed');
    return { userId, sessionId: session.id, cookie: `${sessionCookieName(publicUrl)}=${token}` };
  }

  /** Another signed-in device of a user. */
  async device(userId: string, publicUrl: URL): Promise<{ cookie: string; sessionId: string }> {
    const { token, session } = await this.sessions.create(userId, 'seed device');
    return { sessionId: session.id, cookie: `${sessionCookieName(publicUrl)}=${token}` };
  }

  async group(name: string, members: { userId: string; role: Role }[]): Promise<string> {
    const conversationId = await this.memberships.createConversation({
      kind: 'group',
      name,
      createdBy: members[0]?.userId ?? '',
    });
    for (const member of members)
      await this.memberships.addMember(conversationId, member.userId, member.role);
    return conversationId;
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
