import path from 'node:path';
import {
  decodeServerFrame,
  encodeClientFrame,
  PROTOCOL_VERSION,
  segmentDocId,
  type ClientFrame,
  type ServerFrame,
} from '@messenjo/shared';
import WebSocket from 'ws';
import { startServer } from '../../harness/server.ts';
import { Seeder, syncUrl } from '../../harness/sync.ts';
import { processCpuMs } from '../stats.ts';
import type { BenchDevice, BenchPeer, CatchUpPoint, Target, TargetInstance } from './types.ts';

/** Our built server (dist/main.js) with a fresh data folder, seeded through its own stores. */
export const messenjoTarget: Target = {
  name: 'messenjo',
  async start(): Promise<TargetInstance> {
    const server = await startServer();
    const seeder = Seeder.open(path.join(server.dataDir, 'messenjo.sqlite'));
    const publicUrl = new URL(server.url);
    const users: { userId: string; cookie: string }[] = [];
    return {
      name: 'messenjo',
      durableAck: true,
      async createConversations(docs, membersPerDoc) {
        const result: { docId: string; members: BenchDevice[] }[] = [];
        for (let d = 0; d < docs; d++) {
          const members: BenchDevice[] = [];
          for (let m = 0; m < membersPerDoc; m++) {
            members.push({ userIndex: users.length, deviceIndex: 0 });
            users.push(seeder.user(`b${users.length}`, publicUrl));
          }
          const conv = seeder.group(
            `bench ${d}`,
            members.map((m, i) => ({
              userId: users[m.userIndex]!.userId,
              role: i === 0 ? 'owner' : 'member',
            })),
          );
          result.push({ docId: segmentDocId(conv, 0), members });
        }
        return Promise.resolve(result);
      },
      connect: (device) => ProtocolPeer.connect(server.url, users[device.userIndex]!.cookie),
      serverCpuMs: () => processCpu(server.process.pid),
      async stop() {
        seeder.close();
        await server.dispose();
      },
    };
  },
};

const processCpu = (pid: number | undefined) => (pid === undefined ? undefined : processCpuMs(pid));

/** A minimal device speaking our protocol: just enough to measure the server, not the client library. */
class ProtocolPeer implements BenchPeer {
  onRemote: BenchPeer['onRemote'] = null;
  userId = '';
  private nextRef = 1;
  private readonly acks = new Map<number, () => void>();
  private readonly syncs = new Map<
    string,
    (frame: Extract<ServerFrame, { type: 'sync' }>, bytes: number) => void
  >();
  private readonly seqs = new Map<string, number>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const decoded = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (decoded.kind !== 'frame') return;
      const frame = decoded.frame;
      if (frame.type === 'ack') {
        this.acks.get(frame.ref)?.();
        this.acks.delete(frame.ref);
        if (frame.seq > 0) this.seqs.set(frame.docId, frame.seq);
      } else if (frame.type === 'update') {
        this.seqs.set(frame.docId, frame.seq);
        this.onRemote?.(frame.docId, frame.update);
      } else if (frame.type === 'sync') {
        this.seqs.set(frame.docId, frame.seq);
        this.syncs.get(frame.docId)?.(frame, data.byteLength);
        this.syncs.delete(frame.docId);
      }
    });
  }

  static async connect(origin: string, cookie: string): Promise<ProtocolPeer> {
    const ws = new WebSocket(syncUrl(origin), {
      headers: { Cookie: cookie, Origin: origin },
      perMessageDeflate: false,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const peer = new ProtocolPeer(ws);
    const hello = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => {
        const decoded = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        resolve(decoded.kind === 'frame' && decoded.frame.type === 'hello' ? decoded.frame.userId : '');
      }),
    );
    peer.frame({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    peer.userId = await hello;
    ws.on('close', (code) => {
      if (code >= 4000) process.stderr.write(`bench peer closed with ${code}\n`);
    });
    return peer;
  }

  private frame(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  subscribe(docId: string, since?: CatchUpPoint) {
    return new Promise<{ bytes: number; update: Uint8Array; point: CatchUpPoint }>((resolve) => {
      this.syncs.set(docId, (frame, bytes) =>
        resolve({ bytes, update: frame.update, point: { seq: frame.seq, stateVector: new Uint8Array([0]) } }),
      );
      this.frame({
        type: 'subscribe',
        docs: [{ docId, seq: since?.seq ?? 0, stateVector: since?.stateVector ?? new Uint8Array([0]) }],
      });
    });
  }

  unsubscribe(docId: string): void {
    this.frame({ type: 'unsubscribe', docIds: [docId] });
  }

  send(docId: string, update: Uint8Array): Promise<void> {
    const ref = this.nextRef++;
    return new Promise((resolve) => {
      this.acks.set(ref, resolve);
      this.frame({ type: 'update', docId, ref, update });
    });
  }

  close(): void {
    this.ws.close();
  }
}
