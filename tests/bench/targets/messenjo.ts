import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  decodeServerFrame,
  encodeClientFrame,
  PROTOCOL_VERSION,
  segmentDocId,
  UPDATE_ID_BYTES,
  type ClientFrame,
  type ServerFrame,
} from '@messenjo/shared';
import WebSocket from 'ws';
import { startServer } from '../../harness/server.ts';
import { Seeder, syncUrl } from '../../harness/sync.ts';
import { pauseReading, trackTcp } from './tcp.ts';
import { folderBytes, processCpuMs, processRssKb } from '../stats.ts';
import type { BenchDevice, BenchPeer, CatchUpPoint, Target, TargetInstance } from './types.ts';

/** Our built server (dist/main.js) with a fresh data folder, seeded through its own stores. */
export const messenjoTarget: Target = messenjoBuild('messenjo');

/**
 * Another build of our server (`BENCH_BASELINE=<repo checkout>/sync-server/dist/main.js`), run as
 * the target `messenjo-base`: before/after a change, interleaved in the same run.
 */
export function messenjoBuild(name: string, entry?: string): Target {
  return {
    name,
    start: () => startMessenjo(name, entry),
  };
}

async function startMessenjo(name: string, entry: string | undefined): Promise<TargetInstance> {
  const profile = process.env.BENCH_PROFILE_DIR;
  const server = await startServer({
    entry,
    ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {}),
  });
  const seeder = Seeder.open(path.join(server.dataDir, 'messenjo.sqlite'));
  const seeded = seededPeople(seeder, new URL(server.url));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await seeder.close();
      await server.stop();
    })());
  return {
    name,
    app: { url: server.url, cookie: (device) => seeded.cookieOf(device) },
    dataDir: server.dataDir,
    ack: 'durable',
    membership: true,
    createConversations: seeded.createConversations,
    createUserConversations: seeded.createUserConversations,
    addDevice: seeded.addDevice,
    connect: (device) => ProtocolPeer.connect(server.url, seeded.cookieOf(device)),
    serverCpuMs: () => processCpuMs(server.process.pid),
    serverRssKb: () => processRssKb(server.process.pid),
    storageBytes: (options) => folderBytes(server.dataDir, options),
    stop,
    async dispose() {
      await stop();
      await server.dispose();
    },
  };
}

/**
 * The bench's people, devices and groups, seeded through the server's own stores (either
 * engine): what every build and deployment of ours shares. `publicUrl` names the session cookie.
 */
export function seededPeople(
  seeder: Seeder,
  publicUrl: URL,
): Pick<TargetInstance, 'createConversations' | 'createUserConversations' | 'addDevice'> & {
  cookieOf: (device: BenchDevice) => string;
} {
  const users: { userId: string; cookie: string }[] = [];
  const devices = new Map<string, string>();
  const cookieOf = (device: BenchDevice) =>
    device.deviceIndex === 0
      ? users[device.userIndex]!.cookie
      : devices.get(`${device.userIndex}/${device.deviceIndex}`)!;
  return {
    cookieOf,
    async createConversations(docs, membersPerDoc) {
      const result: { docId: string; members: BenchDevice[] }[] = [];
      for (let d = 0; d < docs; d++) {
        const members: BenchDevice[] = [];
        for (let m = 0; m < membersPerDoc; m++) {
          members.push({ userIndex: users.length, deviceIndex: 0 });
          users.push(await seeder.user(`b${users.length}`, publicUrl));
        }
        const conv = await seeder.group(
          `bench ${d}`,
          members.map((m, i) => ({
            userId: users[m.userIndex]!.userId,
            role: i === 0 ? 'owner' : 'member',
          })),
        );
        result.push({ docId: segmentDocId(conv, 0), members });
      }
      return result;
    },
    async createUserConversations(count) {
      const userIndex = users.length;
      users.push(await seeder.user(`b${userIndex}`, publicUrl));
      const docIds: string[] = [];
      for (let i = 0; i < count; i++) {
        const conv = await seeder.group(`bench ${i}`, [{ userId: users[userIndex]!.userId, role: 'owner' }]);
        docIds.push(segmentDocId(conv, 0));
      }
      return { device: { userIndex, deviceIndex: 0 }, docIds };
    },
    async addDevice(userIndex) {
      const deviceIndex = 1 + [...devices.keys()].filter((k) => k.startsWith(`${userIndex}/`)).length;
      devices.set(
        `${userIndex}/${deviceIndex}`,
        (await seeder.device(users[userIndex]!.userId, publicUrl)).cookie,
      );
      return { userIndex, deviceIndex };
    },
  };
}

/** A minimal device speaking our protocol: just enough to measure the server, not the client library. */
export class ProtocolPeer implements BenchPeer {
  onRemote: BenchPeer['onRemote'] = null;
  userId = '';
  closedBy: string | undefined;
  private nextRef = 1;
  private readonly acks = new Map<number, () => void>();
  private readonly syncs = new Map<
    string,
    (frame: Extract<ServerFrame, { type: 'sync' }>, bytes: number) => void
  >();
  private readonly seqs = new Map<string, number>();
  /** Rejects when the server refuses something or closes the socket: a workload fails, never hangs. */
  private readonly broken: Promise<never>;
  private breakWith: (err: Error) => void = () => {};

  private constructor(private readonly ws: WebSocket) {
    this.broken = new Promise<never>((_, reject) => (this.breakWith = reject));
    this.broken.catch(() => {});
    ws.on('close', (code, reason) => {
      if (code === 1000 || code === 1005) return;
      this.closedBy = `${code} ${String(reason)}`.trim();
      this.breakWith(new Error(`bench device closed with ${code}`));
    });
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
      } else if (frame.type === 'denied' || frame.type === 'rejected') {
        this.breakWith(new Error(`server answered ${JSON.stringify(frame)}`));
      } else if (frame.type === 'sync') {
        this.seqs.set(frame.docId, frame.seq);
        this.syncs.get(frame.docId)?.(frame, data.byteLength);
        this.syncs.delete(frame.docId);
      }
    });
  }

  static async connect(origin: string, cookie: string): Promise<ProtocolPeer> {
    const ws = trackTcp(
      new WebSocket(syncUrl(origin), {
        headers: { Cookie: cookie, Origin: origin },
        perMessageDeflate: false,
      }),
    );
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
    return peer;
  }

  private frame(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  subscribe(docId: string, since?: CatchUpPoint) {
    const answer = new Promise<{ bytes: number; update: Uint8Array; point: CatchUpPoint }>((resolve) => {
      this.syncs.set(docId, (frame, bytes) =>
        resolve({ bytes, update: frame.update, point: { seq: frame.seq, stateVector: new Uint8Array([0]) } }),
      );
      this.frame({
        type: 'subscribe',
        docs: [{ docId, seq: since?.seq ?? 0, stateVector: since?.stateVector ?? new Uint8Array([0]) }],
      });
    });
    return Promise.race([answer, this.broken]);
  }

  subscribeMany(docIds: string[]): Promise<{ bytes: number; updates: Uint8Array[] }> {
    const answers = docIds.map(
      (docId) =>
        new Promise<{ bytes: number; update: Uint8Array }>((resolve) =>
          this.syncs.set(docId, (frame, bytes) => resolve({ bytes, update: frame.update })),
        ),
    );
    this.frame({
      type: 'subscribe',
      docs: docIds.map((docId) => ({ docId, seq: 0, stateVector: new Uint8Array([0]) })),
    });
    const all = Promise.all(answers).then((answered) => ({
      bytes: answered.reduce((sum, a) => sum + a.bytes, 0),
      updates: answered.map((a) => a.update),
    }));
    return Promise.race([all, this.broken]);
  }

  unsubscribe(docId: string): void {
    this.frame({ type: 'unsubscribe', docIds: [docId] });
  }

  send(docId: string, update: Uint8Array): Promise<void> {
    const ref = this.nextRef++;
    const acked = new Promise<void>((resolve) => {
      this.acks.set(ref, resolve);
      // SEQ3: every update carries its id, as the app's outbox gives it.
      this.frame({ type: 'update', docId, ref, update, updateId: randomBytes(UPDATE_ID_BYTES) });
    });
    return Promise.race([acked, this.broken]);
  }

  pauseReading(): void {
    pauseReading(this.ws);
  }

  close(): void {
    this.ws.close();
  }
}
