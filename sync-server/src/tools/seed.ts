import { type Db, MIGRATIONS, migrate, openDatabase } from '../db/index.ts';
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
    readonly db: Db,
    readonly sessions: SessionStore,
    readonly memberships: MembershipStore,
  ) {}

  /** Opens (and migrates) a data folder's database; its events go nowhere (no server listens). */
  static open(file: string): Seeder {
    const db = openDatabase(file);
    migrate(db, MIGRATIONS);
    const bus = createEventBus(() => {});
    return new Seeder(db, new SessionStore(db, bus), new MembershipStore(db, bus));
  }

  /** Seeds through a running server's own stores, so their events reach its sockets. */
  static over(db: Db, stores: { sessions: SessionStore; memberships: MembershipStore }): Seeder {
    return new Seeder(db, stores.sessions, stores.memberships);
  }

  /** A user with a signed-in session; returns the Cookie header a device would send. */
  user(username: string, publicUrl: URL): { userId: string; cookie: string; sessionId: string } {
    const user = new UserStore(this.db, Date.now).create({ displayName: username, username });
    if (user.username !== username) throw new Error(`seed: the username ${username} is taken`);
    const userId = user.id;
    const { token, session } = this.sessions.create(userId, 'seed');
    return { userId, sessionId: session.id, cookie: `${sessionCookieName(publicUrl)}=${token}` };
  }

  /** Another signed-in device of a user. */
  device(userId: string, publicUrl: URL): { cookie: string; sessionId: string } {
    const { token, session } = this.sessions.create(userId, 'seed device');
    return { sessionId: session.id, cookie: `${sessionCookieName(publicUrl)}=${token}` };
  }

  group(name: string, members: { userId: string; role: Role }[]): string {
    const conversationId = this.memberships.createConversation({
      kind: 'group',
      name,
      createdBy: members[0]?.userId ?? '',
    });
    for (const member of members) this.memberships.addMember(conversationId, member.userId, member.role);
    return conversationId;
  }

  close(): void {
    this.db.close();
  }
}
