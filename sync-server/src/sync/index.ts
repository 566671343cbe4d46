export { attachSyncSocket, SYNC_PATH } from './socket/attach.ts';
export { connectSocket } from './socket/connection.ts';
export type { SyncSocket } from './socket/socket.ts';
export { SyncHub, type SyncHubOptions } from './engine/hub.ts';
export type { SocketAuth } from './engine/connection-host.ts';
export { serveSync, type RunningSync } from './serve-sync.ts';
export type { DocStore } from './store/doc-store.ts';
export { SqliteDocStore } from './store/sqlite-doc-store.ts';
