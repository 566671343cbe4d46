import type { ConversationDetail, UserSummary } from '@messenjo/shared';
import { openExistingDatabase, request } from '../../lib/indexed-db.ts';
import type { ConversationRow, TailMessage } from '../conversation-list/list-columns.ts';
import { localDbName, STORES, tailKey, type Kept, type KeptFriends } from './schema.ts';

/** The conversation the app opens on, as the device's index holds it. */
export interface FirstConversation {
  conversationId: string;
  /** Its newest messages as kept by the last run (`tail:<id>`), oldest first. */
  messages: TailMessage[];
  /** Its members as last seen here (absent if never opened on this device). */
  detail: ConversationDetail | undefined;
}

/** What the first screen paints from: the list's rows, the names and pictures, the friends lists. */
export interface FirstScreen {
  rows: ConversationRow[];
  profiles: UserSummary[];
  friends: KeptFriends | undefined;
  /** The conversation on the address, when there is one. */
  opening?: FirstConversation;
}

const EMPTY: FirstScreen = { rows: [], profiles: [], friends: undefined };

/**
 * Reads the first screen's data from the device's index in one read transaction, in plain
 * IndexedDB: this runs before Dexie, Yjs and the sync client have loaded (they are not needed to
 * paint the list and the newest messages of the conversation on the address). A handful of
 * requests, no cursor: each callback is a task, and the start's main thread is busy, so a cursor
 * walking 40 messages took ~0.6 s of waiting where one `get` of the kept tail takes one turn.
 */
export async function readFirstScreen(userId: string, conversationId?: string): Promise<FirstScreen> {
  const db = await openExistingDatabase(localDbName(userId));
  if (!db) return EMPTY;
  try {
    const names = [STORES.conversations, STORES.profiles, STORES.kept, STORES.details];
    if (!names.every((name) => db.objectStoreNames.contains(name))) return EMPTY;
    // Read only: what it read is final once the requests answer, without waiting for the commit.
    const tx = db.transaction(names, 'readonly');
    const [rows, profiles, friends, opening] = await Promise.all([
      request(tx.objectStore(STORES.conversations).getAll() as IDBRequest<ConversationRow[]>),
      request(tx.objectStore(STORES.profiles).getAll() as IDBRequest<UserSummary[]>),
      request(tx.objectStore(STORES.kept).get('friends') as IDBRequest<KeptFriends | undefined>),
      conversationId === undefined
        ? undefined
        : Promise.all([
            request(tx.objectStore(STORES.kept).get(tailKey(conversationId)) as IDBRequest<Kept | undefined>),
            request(
              tx.objectStore(STORES.details).get(conversationId) as IDBRequest<
                ConversationDetail | undefined
              >,
            ),
          ]).then(([tail, detail]): FirstConversation => ({
            conversationId,
            messages: Array.isArray(tail?.value) ? (tail.value as TailMessage[]) : [],
            detail,
          })),
    ]);
    return { rows, profiles, friends, ...(opening && { opening }) };
  } finally {
    db.close();
  }
}

let early: { userId: string; read: Promise<FirstScreen>; answered?: FirstScreen } | null = null;

/**
 * Starts reading the signed-in user's first screen while the rest of the app's code is still
 * being evaluated and React mounts (boot.ts calls it first), so the list's data, and the newest
 * messages of the conversation on the address, are on their way before the session asks.
 */
export function readFirstScreenEarly(userId: string, conversationId?: string): void {
  const read = readFirstScreen(userId, conversationId);
  const started = { userId, read } as NonNullable<typeof early>;
  // Kept as a value too: a session made after the answer shows it as it starts, in the same
  // render (no frame of an empty list first). Read again by the session if this failed; never an
  // unhandled rejection here.
  read.then(
    (answer) => {
      started.answered = answer;
      // W6's profile: when the index answered, beside `messenjo:react-loaded` (start-app.tsx).
      performance.mark('messenjo:read-answered');
    },
    () => undefined,
  );
  early = started;
}

/**
 * The early read of this user's index, once (the session takes it); another user's is dropped.
 * `answered` is its answer once it has come (read when the session is made: shown at once then).
 */
export function takeFirstScreen(
  userId: string,
): { read: Promise<FirstScreen>; readonly answered: FirstScreen | undefined } | undefined {
  const taken = early;
  early = null;
  if (taken?.userId !== userId) return undefined;
  return {
    read: taken.read,
    get answered() {
      return taken.answered;
    },
  };
}
