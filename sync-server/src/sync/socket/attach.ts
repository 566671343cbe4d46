import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, SYNC_LIMITS } from '@messenjo/shared';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Services } from '../../services.ts';
import { readCookie, sessionCookieName, type ValidatedSession } from '../../sessions/index.ts';
import type { ConnectionHost } from '../engine/connection-host.ts';
import { connectSocket, type Connection } from './connection.ts';
import { RevocationsDuringValidation } from './revocations.ts';
import type { SyncSocket } from './socket.ts';
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
  deps: { hub: ConnectionHost; services: Services; publicUrl: () => URL },
): { close: () => void; drained: (timeoutMs: number) => Promise<void> } {
  // ws refuses a frame over maxPayload before buffering it; SyncWebSocket.close makes its 1009 our 4010 (HS4).
  // clientTracking is off: `open` below tracks the sockets without a closure per socket.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: SYNC_LIMITS.MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    WebSocket: SyncWebSocket,
  });
  const { logger, sessions } = deps.services;
  const revocations = new RevocationsDuringValidation(deps.services.bus);
  /** Every upgraded socket until its close, for the drain on shutdown (SD1). */
  const open = new Set<SyncWebSocket>();

  // One listener of each kind for every socket (`this` is the socket, always a SyncWebSocket):
  // an idle device costs no closures of its own.
  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const { connection } = this as SyncWebSocket;
    if (!connection) return;
    if (!isBinary) return connection.close('malformed_frame', 'text frames are not part of the protocol');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    try {
      connection.receive(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (err) {
      // The server never crashes on input: anything unexpected closes this socket only.
      logger.error('sync frame failed', { userId: connection.auth.userId, err });
      connection.close('server_error');
    }
  }
  function onClose(this: WebSocket): void {
    open.delete(this as SyncWebSocket);
    (this as SyncWebSocket).connection?.dispose();
  }
  function onError(this: WebSocket): void {
    (this as SyncWebSocket).connection?.dispose();
  }
  const upgraded = (ws: SyncWebSocket): void => {
    open.add(ws);
    ws.on('close', onClose);
    ws.on('error', onError);
  };

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
    const validation = revocations.watch();
    sessions
      .validate(token)
      .then(async (validated) => {
        // A revocation published while the session was read (it was live when read) counts.
        const revoked = validated !== null && validation.revoked(validated.session);
        validation.done();
        if (validated && !revoked) return admit(request, socket, head, validated, false);
        // SE1: a session that ran out of time is told apart from a revoked one.
        const expired = !revoked && (await sessions.expiredSessionId(token)) !== null;
        admit(request, socket, head, null, expired);
      })
      .catch((err: unknown) => {
        validation.done();
        logger.error('sync upgrade failed: session not read', { err });
        refuseUpgrade(socket, 503, 'Service Unavailable');
      });
  };

  const admit = (
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    validated: ValidatedSession | null,
    expired: boolean,
  ): void => {
    if (!validated) {
      // A device whose session ended while it was away: tell it in a way a browser can read,
      // expired (keep the data, SE1) or not.
      const { code } = expired ? CLOSE_CODES.session_expired : CLOSE_CODES.unauthenticated;
      wss.handleUpgrade(request, socket, head, (ws: SyncWebSocket) => {
        upgraded(ws);
        ws.close(code, expired ? 'session expired: sign in again' : 'sign in again');
      });
      return;
    }
    const { userId, id: sessionId } = validated.session;
    const auth = { userId, sessionId };
    // LIM2 over all processes (one Redis round trip; none on one process), before the upgrade.
    deps.hub
      .reserve(auth)
      .then((refused) => {
        let upgradedNow = false;
        wss.handleUpgrade(request, socket, head, (ws: SyncWebSocket) => {
          upgradedNow = true;
          upgraded(ws);
          if (refused)
            return ws.close(CLOSE_CODES[refused].code, 'too many sockets open; retry once one closed');
          ws.tcp = socket;
          ws.connection = connectSocket(deps.hub, ws, auth);
          ws.on('message', onMessage);
        });
        // ws answers synchronously, or drops a socket that closed meanwhile without calling back.
        if (!upgradedNow && !refused) deps.hub.cancelReservation(auth);
      })
      .catch((err: unknown) => {
        logger.error('sync upgrade failed', { err });
        refuseUpgrade(socket, 503, 'Service Unavailable');
      });
  };

  server.on('upgrade', onUpgrade);
  return {
    close: () => {
      server.off('upgrade', onUpgrade);
      revocations.dispose();
      wss.close();
    },
    /** Resolves once every socket finished its closing handshake (SD1), or ends the rest after the timeout. */
    drained: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const closing = [...open].filter((ws) => ws.readyState !== ws.CLOSED);
        if (closing.length === 0) return resolve();
        let left = closing.length;
        const timer = setTimeout(() => {
          for (const ws of closing) ws.terminate();
          resolve();
        }, timeoutMs);
        for (const ws of closing) {
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
 * The server side of one sync socket: `ws`'s socket is the engine's `SyncSocket` itself (no
 * adapter object, no closures per socket) and knows its connection, so the listeners above are
 * shared by all sockets.
 */
class SyncWebSocket extends WebSocket implements SyncSocket {
  /** The connection once the socket was admitted; undefined for one refused at the upgrade. */
  connection: Connection | undefined = undefined;
  /** The upgraded TCP socket, which `sendBatch` writes to directly. */
  tcp: Duplex | undefined = undefined;

  /**
   * HS4: a frame over MAX_FRAME_BYTES closes frame_too_large (4010). ws detects it while reading
   * the frame header and closes with 1009 itself (ws.close from its receiver); the protocol never
   * uses 1009, so this socket's close turns it into 4010.
   */
  override close(code?: number, reason?: string | Buffer): void {
    if (code === 1009) super.close(CLOSE_CODES.frame_too_large.code, 'frame_too_large');
    else super.close(code, reason);
  }

  /**
   * Pre-framed and written straight to the upgraded TCP socket, in order with whatever `ws`
   * itself writes (it queues nothing of its own: no compression, no blobs).
   */
  sendBatch(frames: readonly Uint8Array[], onWritten?: () => void): void {
    if (this.readyState !== WebSocket.OPEN || !this.tcp) return onWritten?.();
    this.tcp.write(frameBinaryMessages(frames), onWritten && (() => onWritten()));
  }
}
