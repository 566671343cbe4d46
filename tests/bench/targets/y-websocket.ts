import path from 'node:path';
import { peerTarget } from './peer-target.ts';
import { YWebsocketPeer } from './yjs-peers.ts';

/** The y-websocket reference server with y-leveldb persistence: one socket per document, no acks. */
export const yWebsocketTarget = peerTarget({
  name: 'y-websocket',
  script: 'y-websocket.mjs',
  ack: 'echo',
  env: (dataDir) => ({ YPERSISTENCE: path.join(dataDir, 'leveldb') }),
  connect: (origin, userId) => Promise.resolve(new YWebsocketPeer(origin, userId)),
});
