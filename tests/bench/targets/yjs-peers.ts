import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { pauseReading, trackTcp } from './tcp.ts';
import type { BenchPeer, CatchUpPoint } from './types.ts';

/**
 * Minimal devices speaking the Yjs sync protocol (y-protocols: step 1 = state vector, step 2 = the
 * missing update, 2 = update) as Hocuspocus' provider and y-websocket's provider frame it. Just
 * enough to measure the server, not a client library.
 */
const SYNC = 0;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
const HP_AUTH = 2;
const HP_SYNC_REPLY = 4;
const HP_SYNC_STATUS = 8;
const EMPTY_STATE_VECTOR = new Uint8Array([0]);

type SyncAnswer = { bytes: number; update: Uint8Array; point: CatchUpPoint };

function openSocket(url: string): Promise<WebSocket> {
  const ws = trackTcp(new WebSocket(url, { perMessageDeflate: false }));
  ws.binaryType = 'nodebuffer';
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function syncMessage(prefix: (e: encoding.Encoder) => void, kind: number, data: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  prefix(e);
  encoding.writeVarUint(e, kind);
  encoding.writeVarUint8Array(e, data);
  return encoding.toUint8Array(e);
}

/** Waiters for step-2 answers and acks, shared by both framings. */
class Pending {
  readonly syncs = new Map<string, ((answer: SyncAnswer) => void)[]>();
  readonly acks = new Map<string, (() => void)[]>();
  onRemote: BenchPeer['onRemote'] = null;

  step2(docId: string, update: Uint8Array, bytes: number): void {
    this.syncs.get(docId)?.shift()?.({ bytes, update, point: { seq: 0, stateVector: EMPTY_STATE_VECTOR } });
  }
  waitSync(docId: string): Promise<SyncAnswer> {
    return new Promise((resolve) => {
      const list = this.syncs.get(docId) ?? [];
      list.push(resolve);
      this.syncs.set(docId, list);
    });
  }
  waitAck(docId: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.acks.get(docId) ?? [];
      list.push(resolve);
      this.acks.set(docId, list);
    });
  }
}

/** Hocuspocus: every document over one socket, each message prefixed with the document name. */
export class HocuspocusPeer implements BenchPeer {
  private readonly pending = new Pending();
  private readonly opened = new Set<string>();

  private constructor(
    private readonly ws: WebSocket,
    readonly userId: string,
  ) {
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const docId = decoding.readVarString(d);
      const type = decoding.readVarUint(d);
      if (type === HP_SYNC_STATUS) {
        this.pending.acks.get(docId)?.shift()?.();
      } else if (type === SYNC || type === HP_SYNC_REPLY) {
        const kind = decoding.readVarUint(d);
        const payload = decoding.readVarUint8Array(d);
        if (kind === STEP2) this.pending.step2(docId, payload, data.byteLength);
        else if (kind === UPDATE) this.pending.onRemote?.(docId, payload);
      }
    });
  }

  static async connect(origin: string, userId: string): Promise<HocuspocusPeer> {
    return new HocuspocusPeer(await openSocket(origin), userId);
  }

  set onRemote(fn: BenchPeer['onRemote']) {
    this.pending.onRemote = fn;
  }
  get onRemote(): BenchPeer['onRemote'] {
    return this.pending.onRemote;
  }

  private prefix(docId: string, type: number) {
    return (e: encoding.Encoder) => {
      encoding.writeVarString(e, docId);
      encoding.writeVarUint(e, type);
    };
  }

  /** A provider attaching a document: authenticate (no hook set, any token), then sync step 1. */
  subscribe(docId: string, since?: CatchUpPoint): Promise<SyncAnswer> {
    if (!this.opened.has(docId)) {
      this.opened.add(docId);
      const e = encoding.createEncoder();
      this.prefix(docId, HP_AUTH)(e);
      encoding.writeVarUint(e, 0); // token
      encoding.writeVarString(e, 'bench');
      this.ws.send(encoding.toUint8Array(e));
    }
    const answer = this.pending.waitSync(docId);
    this.ws.send(syncMessage(this.prefix(docId, SYNC), STEP1, since?.stateVector ?? EMPTY_STATE_VECTOR));
    return answer;
  }

  async subscribeMany(docIds: string[]): Promise<{ bytes: number; updates: Uint8Array[] }> {
    const answers = await Promise.all(docIds.map((docId) => this.subscribe(docId)));
    return { bytes: answers.reduce((sum, a) => sum + a.bytes, 0), updates: answers.map((a) => a.update) };
  }

  /** A reconnecting provider re-sends step 1 on the open document, so this keeps it attached. */
  unsubscribe(): void {}

  send(docId: string, update: Uint8Array): Promise<void> {
    const acked = this.pending.waitAck(docId);
    this.ws.send(syncMessage(this.prefix(docId, SYNC), UPDATE, update));
    return acked;
  }

  pauseReading(): void {
    pauseReading(this.ws);
  }

  close(): void {
    this.ws.close();
  }
}

/** y-websocket: one socket per document (the URL path names it); the server echoes every update to every socket. */
export class YWebsocketPeer implements BenchPeer {
  private readonly pending = new Pending();
  private readonly sockets = new Map<string, Promise<WebSocket>>();
  /** Updates sent and not yet echoed, per document, oldest first. */
  private readonly unacked = new Map<string, Uint8Array[]>();

  constructor(
    private readonly origin: string,
    readonly userId: string,
  ) {}

  set onRemote(fn: BenchPeer['onRemote']) {
    this.pending.onRemote = fn;
  }
  get onRemote(): BenchPeer['onRemote'] {
    return this.pending.onRemote;
  }

  private socket(docId: string): Promise<WebSocket> {
    let socket = this.sockets.get(docId);
    if (!socket) {
      socket = openSocket(`${this.origin}/${docId}`).then((ws) => {
        ws.on('message', (data: Buffer) => this.receive(docId, data));
        return ws;
      });
      this.sockets.set(docId, socket);
    }
    return socket;
  }

  private receive(docId: string, data: Buffer): void {
    const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (decoding.readVarUint(d) !== SYNC) return;
    const kind = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (kind === STEP2) return this.pending.step2(docId, payload, data.byteLength);
    if (kind !== UPDATE) return;
    // The server broadcasts to the sender too, in order and byte for byte: our own echo is the
    // only sign it applied our update; anything else is another device's.
    const unacked = this.unacked.get(docId);
    if (unacked?.[0] && Buffer.from(unacked[0]).equals(payload)) {
      unacked.shift();
      this.pending.acks.get(docId)?.shift()?.();
    } else {
      this.pending.onRemote?.(docId, payload);
    }
  }

  async subscribe(docId: string, since?: CatchUpPoint): Promise<SyncAnswer> {
    const ws = await this.socket(docId);
    const answer = this.pending.waitSync(docId);
    ws.send(
      syncMessage((e) => encoding.writeVarUint(e, SYNC), STEP1, since?.stateVector ?? EMPTY_STATE_VECTOR),
    );
    return answer;
  }

  async subscribeMany(docIds: string[]): Promise<{ bytes: number; updates: Uint8Array[] }> {
    const answers = await Promise.all(docIds.map((docId) => this.subscribe(docId)));
    return { bytes: answers.reduce((sum, a) => sum + a.bytes, 0), updates: answers.map((a) => a.update) };
  }

  /** Kept open like Hocuspocus' (a provider that reconnects sends step 1 again). */
  unsubscribe(): void {}

  async send(docId: string, update: Uint8Array): Promise<void> {
    const ws = await this.socket(docId);
    const acked = this.pending.waitAck(docId);
    const unacked = this.unacked.get(docId) ?? [];
    unacked.push(update);
    this.unacked.set(docId, unacked);
    ws.send(syncMessage((e) => encoding.writeVarUint(e, SYNC), UPDATE, update));
    return acked;
  }

  pauseReading(): void {
    for (const socket of this.sockets.values()) void socket.then((ws) => pauseReading(ws));
  }

  close(): void {
    for (const socket of this.sockets.values()) void socket.then((ws) => ws.close());
  }
}
