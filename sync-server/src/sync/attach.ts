import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, SYNC_LIMITS } from '@messenjo/shared';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Services } from '../services.ts';
import { readCookie, sessionCookieName } from '../sessions/index.ts';
import type { SyncHub } from './hub.ts';
import { frameBinaryMessages } from './ws-frames.ts';

export const SYNC_PATH = '/sync';

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Serves the sync socket on the HTTP server's `upgrade` event. HS1: the Origin header must be
 * the app's own (cross-site WebSocket hijacking) and the session cookie must be valid, both
 * checked before the upgrade; the socket then belongs to that user and session.
 */
export function attachSyncSocket(
  server: Server,
  deps: { hub: SyncHub; services: Services; publicUrl: () => URL },
): { close: () => void; drained: (timeoutMs: number) => Promise<void> } {
  // ws refuses a frame over maxPayload before buffering it; closeOversizedAsProtocol makes its 1009 our 4010 (HS4).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: SYNC_LIMITS.MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });
  const { logger, sessions } = deps.services;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== SYNC_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const publicUrl = deps.publicUrl();
    if (request.headers.origin !== publicUrl.origin) {
      logger.warn('sync upgrade refused: foreign origin', { origin: request.headers.origin ?? null });
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const token = readCookie(request.headers.cookie, sessionCookieName(publicUrl));
    if (token === undefined) return refuseUpgrade(socket, 401, 'Unauthorized');
    const validated = sessions.validate(token);
    if (!validated) {
      // A device whose session ended while it was away: tell it in a way a browser can read.
      const { code } = CLOSE_CODES.unauthenticated;
      wss.handleUpgrade(request, socket, head, (ws: WebSocket) => ws.close(code, 'sign in again'));
      return;
    }
    const { userId, id: sessionId } = validated.session;
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      closeOversizedAsProtocol(ws);
      const connection = deps.hub.connect(
        {
          send: (frame) => ws.send(frame),
          // Pre-framed and written straight to the upgraded TCP socket, in order with whatever
          // `ws` itself writes (it queues nothing of its own: no compression, no blobs).
          sendBatch: (frames, onWritten) => {
            if (ws.readyState !== ws.OPEN) return onWritten?.();
            socket.write(frameBinaryMessages(frames), onWritten && (() => onWritten()));
          },
          close: (code, reason) => ws.close(code, reason),
          terminate: () => ws.terminate(),
          get bufferedAmount() {
            return ws.bufferedAmount;
          },
        },
        { userId, sessionId },
      );
      ws.on('message', (data, isBinary) => {
        if (!isBinary) return connection.close('malformed_frame', 'text frames are not part of the protocol');
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        try {
          connection.receive(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        } catch (err) {
          // The server never crashes on input: anything unexpected closes this socket only.
          logger.error('sync frame failed', { userId, err });
          connection.close('server_error');
        }
      });
      ws.on('close', () => connection.dispose());
      ws.on('error', () => connection.dispose());
    });
  };

  server.on('upgrade', onUpgrade);
  return {
    close: () => {
      server.off('upgrade', onUpgrade);
      wss.close();
    },
    /** Resolves once every socket finished its closing handshake (SD1), or ends the rest after the timeout. */
    drained: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const open = [...wss.clients].filter((ws) => ws.readyState !== ws.CLOSED);
        if (open.length === 0) return resolve();
        let left = open.length;
        const timer = setTimeout(() => {
          for (const ws of open) ws.terminate();
          resolve();
        }, timeoutMs);
        for (const ws of open) {
          ws.once('close', () => {
            if (--left === 0) {
              clearTimeout(timer);
              resolve();
            }
          });
        }
      }),
  };
}

/**
 * HS4: a frame over MAX_FRAME_BYTES closes frame_too_large (4010). ws detects it while reading
 * the frame header and closes with 1009 itself (ws.close from its receiver); the protocol never
 * uses 1009, so this socket's close turns it into 4010.
 */
function closeOversizedAsProtocol(ws: WebSocket): void {
  const close = ws.close.bind(ws);
  const tooLarge = CLOSE_CODES.frame_too_large.code;
  ws.close = (code?: number, reason?: string | Buffer) =>
    code === 1009 ? close(tooLarge, 'frame_too_large') : close(code, reason);
}
