import { decodeClientFrame, encodeServerFrame, type ClientFrame, type ServerFrame } from '@messenjo/shared';
import type { WebSocketLike } from './websocket.ts';

/** A socket the test drives by hand: records decoded frames, opens and drops on command (unit tests only). */
export class FakeSocket implements WebSocketLike {
  binaryType = 'arraybuffer';
  sent: ClientFrame[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  send(data: Uint8Array): void {
    const decoded = decodeClientFrame(data);
    if (decoded.kind === 'frame') this.sent.push(decoded.frame);
  }
  close(): void {}
  open(): void {
    this.onopen?.({});
  }
  deliver(frame: ServerFrame): void {
    const bytes = encodeServerFrame(frame);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }
  drop(code = 1006): void {
    this.onclose?.({ code, reason: '' });
  }
  last<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((f) => f.type === type) as Extract<ClientFrame, { type: T }>[];
  }
}
