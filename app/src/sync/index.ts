export { reconnectDelayMs } from './backoff.ts';
export * from './constants.ts';
export { ConversationSegments } from './conversation.ts';
export {
  IndexedDbPersistence,
  MemoryPersistence,
  type DocPersistence,
  type StoredDocState,
} from './persistence.ts';
export { SYNC_STATUSES, type SyncStatus } from './status.ts';
export {
  SyncClient,
  type SyncClientOptions,
  type WebSocketFactory,
  type WebSocketLike,
} from './sync-client.ts';
export { broadcastTabChannel, type TabChannel, type TabMessage } from './tab-channel.ts';
export { electSocketLeader } from './tabs.ts';
