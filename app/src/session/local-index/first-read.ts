import type { UserSummary } from '@messenjo/shared';
import { LocalDb, type KeptFriends } from './local-db.ts';
import type { ConversationRow } from '../conversation-list/list-columns.ts';

/** What the first screen paints from: the list's rows, the names and pictures, the friends lists. */
export interface FirstScreen {
  rows: ConversationRow[];
  profiles: UserSummary[];
  friends: KeptFriends | undefined;
}

/** Reads the first screen's data from the device's index in one read transaction. */
export function readFirstScreen(db: LocalDb): Promise<FirstScreen> {
  return db.transaction('r', db.conversations, db.profiles, db.kept, async () => {
    const [rows, profiles, friends] = await Promise.all([
      db.conversations.toArray(),
      db.profiles.toArray(),
      db.kept.get('friends') as Promise<KeptFriends | undefined>,
    ]);
    return { rows, profiles, friends };
  });
}

let early: { userId: string; db: LocalDb; read: Promise<FirstScreen> } | null = null;

/**
 * Opens the signed-in user's index and starts reading the first screen while the rest of the
 * app's code is still being evaluated and React mounts (main.tsx calls it first), so the list's
 * data is on its way before the device session asks for it.
 */
export function readFirstScreenEarly(userId: string): void {
  const db = new LocalDb(userId);
  const read = readFirstScreen(db);
  // Read again by the session if this failed; never an unhandled rejection here.
  read.catch(() => undefined);
  early = { userId, db, read };
}

/** The early read of this user's index, once (the session takes it); another user's is closed. */
export function takeFirstScreen(userId: string): { db: LocalDb; read: Promise<FirstScreen> } | undefined {
  const taken = early;
  early = null;
  if (!taken) return undefined;
  if (taken.userId === userId) return taken;
  taken.db.close();
  return undefined;
}
