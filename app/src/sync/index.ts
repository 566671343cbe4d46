import type { SyncClient } from './sync-client.ts';
export * from './constants.ts';
export { ConversationSegments, type SegmentSource } from './conversation-segments.ts';
export type { DocFacts } from './core/doc-entry.ts';
export {
  IndexedDbPersistence,
  MemoryPersistence,
  type DocPersistence,
  type StoredDocState,
} from './core/persistence.ts';
export { reconnectDelayMs } from './socket/backoff.ts';
export type { SessionEndReason } from './socket/sync-socket.ts';
export type { WebSocketFactory, WebSocketLike } from './socket/websocket.ts';
export { SYNC_STATUSES, type SyncStatus } from './status.ts';
export { SyncClient, type SyncClientOptions } from './sync-client.ts';

/** What the screens' models may read of the sync: facts per document and the connection. */
export type SyncFacts = Pick<SyncClient, 'facts' | 'onFacts' | 'isOffline' | 'status'>;
/** Typing (AW3): frames heard and sent for one conversation, through whichever tab holds the socket. */
export type AwarenessLink = Pick<SyncClient, 'onFrameReceived' | 'sendAwareness'>;
export { broadcastTabChannel, type TabChannel, type TabMessage } from './tabs/tab-channel.ts';
export { electSocketLeader } from './tabs/leader-election.ts';
