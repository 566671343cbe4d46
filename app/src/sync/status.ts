/** The connection as people see it: a closed set. */
export const SYNC_STATUSES = ['offline', 'connecting', 'syncing', 'online', 'signed_out'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
