// The floor every relay stands on: a `ws` server that forwards each binary frame to the other
// sockets of its document and answers the sender, with no CRDT, no storage and no checks. What
// it measures is the load generator, the sockets and the machine: no sync server can do better.
// Frames: varString docId, varUint kind (0 subscribe, 1 update), then the payload; the server
// answers a subscribe with kind 0 (empty), relays an update as kind 1 and acks it as kind 2.
// Prints {"port":N} once listening on 127.0.0.1 (a port the OS picks).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer } from 'ws';

const SUBSCRIBE = 0;
const UPDATE = 1;
const ACK = 2;
const rooms = new Map();
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
const reply = (docId, kind) => {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, docId);
  encoding.writeVarUint(e, kind);
  return encoding.toUint8Array(e);
};
wss.on('connection', (ws) => {
  const joined = new Set();
  ws.on('message', (data) => {
    const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const docId = decoding.readVarString(d);
    const kind = decoding.readVarUint(d);
    if (kind === SUBSCRIBE) {
      let room = rooms.get(docId);
      if (!room) rooms.set(docId, (room = new Set()));
      room.add(ws);
      joined.add(room);
      ws.send(reply(docId, SUBSCRIBE));
    } else if (kind === UPDATE) {
      // Forwarded as received: the kind already says "update".
      for (const other of rooms.get(docId) ?? []) if (other !== ws) other.send(data);
      ws.send(reply(docId, ACK));
    }
  });
  ws.on('close', () => {
    for (const room of joined) room.delete(ws);
  });
});
wss.on('listening', () => console.log(JSON.stringify({ port: wss.address().port })));
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
