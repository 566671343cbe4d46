import { folderBytes, processCpuMs, processRssKb } from '../stats.ts';
import { startPeerProcess } from './peer-process.ts';
import type { BenchDevice, BenchPeer, Target, TargetInstance } from './types.ts';

/**
 * A Yjs server that knows no users or conversations: documents are just names, anyone may open
 * them, and a "device" is a socket. Bench users and conversations are bookkeeping on our side.
 */
export function peerTarget(options: {
  name: string;
  script: string;
  ack: TargetInstance['ack'];
  workloads?: readonly string[];
  env: (dataDir: string) => Record<string, string>;
  connect: (origin: string, userId: string) => Promise<BenchPeer>;
}): Target {
  return {
    name: options.name,
    workloads: options.workloads,
    async start(): Promise<TargetInstance> {
      const server = await startPeerProcess(options.script, options.env);
      const origin = `ws://127.0.0.1:${server.port}`;
      let users = 0;
      let docs = 0;
      return {
        name: options.name,
        ack: options.ack,
        membership: false,
        createConversations(count, membersPerDoc) {
          return Promise.resolve(
            Array.from({ length: count }, () => ({
              docId: `bench-${docs++}`,
              members: Array.from({ length: membersPerDoc }, (): BenchDevice => ({
                userIndex: users++,
                deviceIndex: 0,
              })),
            })),
          );
        },
        createUserConversations(count) {
          const device = { userIndex: users++, deviceIndex: 0 };
          return Promise.resolve({ device, docIds: Array.from({ length: count }, () => `bench-${docs++}`) });
        },
        addDevice: (userIndex) => Promise.resolve({ userIndex, deviceIndex: 1 }),
        connect: (device) => options.connect(origin, `u${device.userIndex}`),
        serverCpuMs: () => processCpuMs(server.process.pid),
        serverRssKb: () => processRssKb(server.process.pid),
        storageBytes: (options) => folderBytes(server.dataDir, options),
        stop: () => server.stop(),
        dispose: () => server.dispose(),
      };
    },
  };
}
