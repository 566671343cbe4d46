// The y-websocket reference server (@y/websocket-server 0.1.1) as its bin/server.js runs it, with
// y-leveldb persistence (YPERSISTENCE, set by the target) and one socket per document.
// Prints {"port":N} once listening on 127.0.0.1 (a port the OS picks).
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { getPersistence, setupWSConnection } from '@y/websocket-server/utils';

if (!process.env.YPERSISTENCE) throw new Error('YPERSISTENCE is required');
const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
wss.on('connection', setupWSConnection);
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
const stop = async () => {
  for (const ws of wss.clients) ws.terminate();
  server.close();
  // y-leveldb queues its writes; destroy() runs after them and closes the database.
  await getPersistence()?.provider.destroy();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
