// Hocuspocus 3 with its SQLite extension (persistence on), as a user would run it: one process,
// many documents over one socket. Prints {"port":N} once listening on 127.0.0.1 (a port the OS picks).
import path from 'node:path';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR is required');
const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  extensions: [new SQLite({ database: path.join(dataDir, 'hocuspocus.sqlite') })],
});
await server.listen();
console.log(JSON.stringify({ port: server.address.port }));
