export { attachSyncSocket, SYNC_PATH } from './attach.ts';
export { SyncHub, type SyncHubOptions } from './hub.ts';
export { serveSync, type RunningSync } from './serve-sync.ts';
export type { DocStore } from './doc-store.ts';
export { SqliteDocStore } from './sqlite-doc-store.ts';
export type { SyncSocket, SocketAuth } from './socket.ts';
