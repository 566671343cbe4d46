/** Reconnect backoff: the first retry waits about this long... */
export const RECONNECT_MIN_DELAY_MS = 250;
/**
 * ...doubling per failure up to this cap while the person is looking at the app (a server back
 * from a restart is reached within seconds; a refused connection costs the server nothing)...
 */
export const RECONNECT_MAX_DELAY_MS = 5_000;
/** ...or this one while the page is hidden (a background tab spares battery and the server). */
export const RECONNECT_HIDDEN_MAX_DELAY_MS = 30_000;
/* Each delay is jittered to 50–100% so devices spread out after a restart. */
/** The IndexedDB database holding documents, their sequence numbers and the outbox. */
export const SYNC_DB_NAME = 'messenjo-sync';
/** A user's document database: one per user, so two accounts on one browser never mix. */
export const syncDbName = (userId: string): string => `${SYNC_DB_NAME}-${userId}`;
/** A document with more stored updates than this is compacted into one on load. */
export const COMPACT_STORED_UPDATES = 200;
/** Web Lock held by the tab that owns the socket; BroadcastChannel the tabs talk on. */
export const LEADER_LOCK_NAME = 'messenjo-sync-leader';
export const TAB_CHANNEL_NAME = 'messenjo-sync-tabs';
/**
 * A message written while its segment's server copy is on the way waits for it at most this long
 * (conversation-segments.ts `send`): past it, the server is too slow to wait for, and the message
 * is written against what the device has, as offline.
 */
export const CATCH_UP_BEFORE_WRITE_MS = 3_000;
