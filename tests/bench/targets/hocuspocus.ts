import { peerTarget } from './peer-target.ts';
import { HocuspocusPeer } from './yjs-peers.ts';

/** Hocuspocus 3 with its SQLite extension: many documents over one socket; acks say "applied", not "stored". */
export const hocuspocusTarget = peerTarget({
  name: 'hocuspocus',
  script: 'hocuspocus.mjs',
  ack: 'applied',
  env: (dataDir) => ({ DATA_DIR: dataDir }),
  connect: (origin, userId) => HocuspocusPeer.connect(origin, userId),
});
