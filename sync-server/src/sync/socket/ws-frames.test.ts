import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { frameBinaryMessages } from './ws-frames.ts';

describe('frameBinaryMessages', () => {
  it('writes messages of every length class that a WebSocket client reads back unchanged, in order', async () => {
    const messages = [0, 1, 125, 126, 65535, 65536, 70_000].map((n) => {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = (i * 7 + n) % 256;
      return bytes;
    });
    const http = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const received: Buffer[] = [];
    const done = new Promise<void>((resolve) => {
      http.on('upgrade', (request, socket, head) =>
        wss.handleUpgrade(request, socket, head, () => socket.write(frameBinaryMessages(messages))),
      );
      http.listen(0, '127.0.0.1', () => {
        const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
        client.on('message', (data: Buffer, isBinary) => {
          expect(isBinary).toBe(true);
          received.push(data);
          if (received.length === messages.length) {
            client.close();
            resolve();
          }
        });
      });
    });
    await done;
    expect(received.map((b) => b.byteLength)).toEqual(messages.map((m) => m.byteLength));
    expect(received.every((b, i) => b.equals(messages[i]!))).toBe(true);
    wss.close();
    http.close();
    await once(http, 'close');
  });
});
