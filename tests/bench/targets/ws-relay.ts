import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { peerTarget } from './peer-target.ts';
import { pauseReading, trackTcp } from './tcp.ts';
import type { BenchPeer, CatchUpPoint } from './types.ts';

const SUBSCRIBE = 0;
const UPDATE = 1;
const ACK = 2;
const EMPTY_POINT: CatchUpPoint = { seq: 0, stateVector: new Uint8Array([0]) };

/** A device of the floor relay (servers/ws-relay.mjs): one socket, documents named in each frame. */
class WsRelayPeer implements BenchPeer {
  onRemote: BenchPeer['onRemote'] = null;
  private readonly waiting = new Map<string, { subscribes: (() => void)[]; acks: (() => void)[] }>();

  private constructor(
    private readonly ws: WebSocket,
    readonly userId: string,
  ) {
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const docId = decoding.readVarString(d);
      const kind = decoding.readVarUint(d);
      if (kind === UPDATE) this.onRemote?.(docId, decoding.readTailAsUint8Array(d));
      else if (kind === ACK) this.waitersOf(docId).acks.shift()?.();
      else if (kind === SUBSCRIBE) this.waitersOf(docId).subscribes.shift()?.();
    });
  }

  static async connect(origin: string, userId: string): Promise<WsRelayPeer> {
    const ws = trackTcp(new WebSocket(origin, { perMessageDeflate: false }));
    ws.binaryType = 'nodebuffer';
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new WsRelayPeer(ws, userId);
  }

  private waitersOf(docId: string) {
    let waiters = this.waiting.get(docId);
    if (!waiters) this.waiting.set(docId, (waiters = { subscribes: [], acks: [] }));
    return waiters;
  }

  private frame(docId: string, kind: number, payload?: Uint8Array): Uint8Array {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, docId);
    encoding.writeVarUint(e, kind);
    if (payload) encoding.writeUint8Array(e, payload);
    return encoding.toUint8Array(e);
  }

  /** The relay keeps no history: a subscribe is answered with nothing. */
  subscribe(docId: string): Promise<{ bytes: number; update: Uint8Array; point: CatchUpPoint }> {
    const answered = new Promise<void>((resolve) => this.waitersOf(docId).subscribes.push(resolve));
    this.ws.send(this.frame(docId, SUBSCRIBE));
    return answered.then(() => ({ bytes: 0, update: new Uint8Array(), point: EMPTY_POINT }));
  }

  async subscribeMany(docIds: string[]): Promise<{ bytes: number; updates: Uint8Array[] }> {
    const answers = await Promise.all(docIds.map((docId) => this.subscribe(docId)));
    return { bytes: 0, updates: answers.map((a) => a.update) };
  }

  unsubscribe(): void {}

  send(docId: string, update: Uint8Array): Promise<void> {
    const acked = new Promise<void>((resolve) => this.waitersOf(docId).acks.push(resolve));
    this.ws.send(this.frame(docId, UPDATE, update));
    return acked;
  }

  pauseReading(): void {
    pauseReading(this.ws);
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * The floor, not a peer: frames forwarded with no CRDT, storage or checks (servers/ws-relay.mjs).
 * In the same run it shows what the load generator and the machine allow any relay (docs/workloads.md's
 * physical limits); only the relay workloads can be expressed by it.
 */
export const wsRelayTarget = peerTarget({
  name: 'ws-relay',
  script: 'ws-relay.mjs',
  ack: 'received',
  workloads: ['W1', 'W2', 'W2S', 'W3', 'W7'],
  env: () => ({}),
  connect: (origin, userId) => WsRelayPeer.connect(origin, userId),
});
