import type { Socket } from 'node:net';
import type WebSocket from 'ws';

const sockets = new WeakMap<WebSocket, Socket>();

/** Remembers the TCP socket under a client WebSocket (call before it opens). */
export function trackTcp(ws: WebSocket): WebSocket {
  ws.once('upgrade', (response) => sockets.set(ws, response.socket));
  return ws;
}

/** A device that stops reading: its TCP socket is paused, so the server's sends pile up. */
export function pauseReading(ws: WebSocket): void {
  sockets.get(ws)?.pause();
}
