import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  decodeServerFrame,
  encodeClientFrame,
  newMessageId,
  PROTOCOL_VERSION,
  type ClientFrame,
  type MessageEntry,
  type ServerFrame,
} from '@messenjo/shared';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  MemoryPersistence,
  SyncClient,
  type DocPersistence,
  type WebSocketLike,
} from '../../app/src/sync/index.ts';
import { Seeder } from '../../sync-server/src/tools/seed.ts';
import { CONDITION_MS, FRAME_MS } from './patience.ts';

export { Seeder };
export { startInProcessServer, type InProcessServer } from '../../sync-server/src/tools/in-process-server.ts';

/** A temporary data folder removed by the returned disposer. */
export function tempDataDir(prefix = 'messenjo-sync-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The update a change to a device's document makes (what a device would send). */
export function updateOf(doc: Y.Doc, mutate: (doc: Y.Doc) => void): Uint8Array {
  let captured: Uint8Array | undefined;
  const listener = (update: Uint8Array): void => {
    captured = update;
  };
  doc.on('update', listener);
  mutate(doc);
  doc.off('update', listener);
  if (!captured) throw new Error('the change produced no update');
  return captured;
}

/** Subscribes a raw peer from nothing and returns a replica of what the server sent. */
export async function replicaOf(peer: RawPeer, docId: string): Promise<Y.Doc> {
  peer.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
  const sync = await peer.next('sync', (f) => f.docId === docId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, sync.update);
  return doc;
}

/** A message entry as a device writes it. */
export const messageEntry = (author: string, text: string): MessageEntry => ({
  id: newMessageId(),
  author,
  text,
  sentAt: Date.now(),
});

/** The socket URL for a server origin (localhost dialled as 127.0.0.1, where the test servers listen). */
export function syncUrl(origin: string): string {
  return `${origin.replace(/^http/, 'ws').replace('//localhost:', '//127.0.0.1:')}/sync`;
}

/** A device: the app's real sync client in Node, on `ws` with the device's cookie and the app's Origin. */
export function nodeDevice(
  origin: string,
  cookie: string,
  persistence: DocPersistence = new MemoryPersistence(),
): SyncClient {
  return new SyncClient({
    url: syncUrl(origin),
    persistence,
    createSocket: (url) =>
      new WebSocket(url, { headers: { Cookie: cookie, Origin: origin } }) as unknown as WebSocketLike,
    onError: () => {},
  });
}

/** The frames a wait left unread, briefly: what came instead of the one it waited for (a `rejected`, say). */
function unread(frames: readonly ServerFrame[]): string {
  if (frames.length === 0) return 'none';
  return frames
    .map((f) => {
      const { type } = f;
      if (type === 'rejected') return `rejected(${f.docId} ref ${f.ref}, code ${f.code})`;
      if (type === 'ack') return `ack(${f.docId} ref ${f.ref})`;
      return 'docId' in f ? `${type}(${f.docId})` : type;
    })
    .join(', ');
}

/**
 * A raw protocol peer for hostile-client tests: sends any bytes, records every frame and the
 * close code.
 */
export class RawPeer {
  readonly frames: ServerFrame[] = [];
  closeCode: number | undefined;
  private readonly closed: Promise<number>;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly ws: WebSocket,
    /** The TCP socket under the WebSocket: `pause()` makes a peer that stops reading. */
    readonly tcp: Socket,
  ) {
    ws.binaryType = 'arraybuffer';
    ws.on('message', (data: ArrayBuffer) => {
      const decoded = decodeServerFrame(new Uint8Array(data));
      if (decoded.kind === 'frame') this.frames.push(decoded.frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        for (const wake of this.waiters.splice(0)) wake();
        resolve(code);
      }),
    );
  }

  static async connect(
    origin: string,
    cookie: string,
    options: { hello?: boolean; originHeader?: string } = {},
  ): Promise<RawPeer> {
    const ws = new WebSocket(syncUrl(origin), {
      headers: { Cookie: cookie, Origin: options.originHeader ?? origin },
    });
    let tcp: Socket | undefined;
    ws.once('upgrade', (response) => (tcp = response.socket));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    const peer = new RawPeer(ws, tcp!);
    if (options.hello !== false) {
      peer.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
      await peer.next('hello');
    }
    return peer;
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  sendBytes(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  /**
   * Waits for the first frame (not yet consumed by a previous wait) matching the type and
   * predicate: woken by each frame and by the close, failing with what it waited for.
   */
  async next<T extends ServerFrame['type']>(
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = FRAME_MS,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    let timedOut = false;
    let wake: (() => void) | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      wake?.();
    }, timeoutMs);
    try {
      for (;;) {
        const index = this.frames.findIndex(
          (f) => f.type === type && match(f as Extract<ServerFrame, { type: T }>),
        );
        if (index !== -1) return this.frames.splice(index, 1)[0] as Extract<ServerFrame, { type: T }>;
        if (this.closeCode !== undefined)
          throw new Error(`socket closed (${this.closeCode}) before a ${type} frame`);
        if (timedOut)
          throw new Error(`no ${type} frame within ${timeoutMs} ms; unread: ${unread(this.frames)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.waiters.push(resolve);
        });
      }
    } finally {
      clearTimeout(timer);
    }
  }

  waitClosed(timeoutMs = FRAME_MS): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.closed,
      new Promise<number>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`socket did not close within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Waits until the predicate holds, for state with no event of its own to await (a client's
 * status across real sockets, a store's rows), failing with `what`. It asks again every 10 ms:
 * a pause between questions, not a guess at how long anything takes.
 */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = CONDITION_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
