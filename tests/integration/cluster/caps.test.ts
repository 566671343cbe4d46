import { CLOSE_CODES, SYNC_LIMITS, type ClientFrame } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, signUp } from '../../harness/accounts.ts';
import { startCluster, type Cluster } from '../../harness/cluster.ts';
import { eventually, RawPeer } from '../../harness/sync.ts';

/**
 * Issue 18, LIM2 and LIM3 across processes: three server processes over one PostgreSQL and one
 * Redis, with the protocol's own caps (8 sockets per session, 32 per user, 1,000 frames a second
 * with bursts of 4,000 per user). More processes must not buy a user more sockets or frames.
 */
let cluster: Cluster;
let failed = false;
const sockets: RawPeer[] = [];
beforeAll(async () => {
  cluster = await startCluster(3);
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await cluster?.dispose(failed);
});

const urls = (): string[] => cluster.processes.map((p) => p.url);

async function open(url: string, cookie: string): Promise<RawPeer> {
  const socket = await RawPeer.connect(url, cookie);
  sockets.push(socket);
  return socket;
}

/** The close code a socket got before its hello was answered, or undefined when it was admitted. */
async function refusal(url: string, cookie: string): Promise<number | undefined> {
  try {
    await open(url, cookie);
    return undefined;
  } catch (error) {
    const code = /closed \((\d+)\)/.exec(String(error))?.[1];
    if (code === undefined) throw error;
    return Number(code);
  }
}

describe('socket caps and frame budget across processes', () => {
  it('[LIM2] a session and a user hold their caps over all processes, and a place frees when a socket closes', async () => {
    try {
      const [a, b, c] = urls() as [string, string, string];
      const account = await signUp(a);
      const sessions = [account.cookie];
      for (let i = 0; i < 4; i++) sessions.push((await signIn(b, account)).cookie);
      const [first, ...others] = sessions as [string, ...string[]];

      // One device: 3 + 3 + 2 sockets on three processes is its 8; the ninth is refused anywhere.
      for (const url of [a, a, a, b, b, b, c, c]) await open(url, first);
      expect(await refusal(a, first)).toBe(CLOSE_CODES.session_socket_limit.code);
      expect(await refusal(c, first)).toBe(CLOSE_CODES.session_socket_limit.code);

      // Three more devices of the user, 8 sockets each, spread round the processes: 32 in all.
      const held: RawPeer[] = [];
      for (const cookie of others.slice(0, 3))
        for (let i = 0; i < SYNC_LIMITS.MAX_SOCKETS_PER_SESSION; i++)
          held.push(await open(urls()[i % 3]!, cookie));
      const fifth = others[3]!;
      expect(await refusal(b, fifth)).toBe(CLOSE_CODES.user_socket_limit.code);

      // One socket closes on process c: the fifth device gets its place on process b.
      held.at(-1)!.close();
      await held.at(-1)!.waitClosed();
      await eventually(
        async () => (await refusal(b, fifth)) === undefined,
        'a place freed on one process is taken on another',
      );
      expect(await refusal(a, fifth)).toBe(CLOSE_CODES.user_socket_limit.code);
    } catch (error) {
      failed = true;
      throw error;
    }
  });

  it('[LIM3] a flood spread over three processes is closed at about one user’s budget, not three', async () => {
    try {
      const unsubscribe: ClientFrame = { type: 'unsubscribe', docIds: [] };
      const probe: ClientFrame = {
        type: 'subscribe',
        docs: [{ docId: 'nonsense', seq: 0, stateVector: new Uint8Array([0]) }],
      };
      const CHUNK = 250;
      /** Sends a chunk then a frame the server answers: true once all were counted, false when the socket was closed. */
      const spend = async (peer: RawPeer): Promise<boolean> => {
        if (peer.closeCode !== undefined) return false;
        for (let i = 0; i < CHUNK; i++) peer.send(unsubscribe);
        peer.send(probe);
        try {
          await peer.next('denied');
          return true;
        } catch {
          expect(peer.closeCode).toBe(CLOSE_CODES.rate_limited.code);
          return false;
        }
      };

      // One user, one process: 3,500 frames at once fit the burst of 4,000, and the socket stays.
      const alone = await signUp(urls()[0]!);
      const single = await open(urls()[0]!, alone.cookie);
      for (let i = 0; i < 3500 / CHUNK; i++) expect(await spend(single)).toBe(true);

      // One user with a socket on each process floods through all three at once.
      const flooder = await signUp(urls()[0]!);
      const peers = [];
      for (const url of urls()) peers.push(await open(url, flooder.cookie));
      const started = performance.now();
      let accepted = 0;
      while (peers.some((peer) => peer.closeCode === undefined)) {
        const answered = await Promise.all(peers.map(spend));
        accepted += answered.filter(Boolean).length * CHUNK;
        expect(accepted).toBeLessThan(3 * SYNC_LIMITS.FRAME_BURST);
      }
      const seconds = (performance.now() - started) / 1000;
      for (const peer of peers) expect(peer.closeCode).toBe(CLOSE_CODES.rate_limited.code);
      // One budget: its burst and what it refilled meanwhile, give or take a chunk per socket
      // (three budgets would have taken 12,000 and more).
      expect(accepted).toBeLessThanOrEqual(
        SYNC_LIMITS.FRAME_BURST + SYNC_LIMITS.FRAMES_PER_SECOND * seconds + 3 * CHUNK,
      );
      expect(accepted).toBeGreaterThanOrEqual(SYNC_LIMITS.FRAME_BURST - 3 * CHUNK);
      expect(single.closeCode).toBeUndefined();
    } catch (error) {
      failed = true;
      throw error;
    }
  });

  it('[LIM2] a crashed process’s places come free by themselves: its counts expire, the device gets in again', async () => {
    try {
      const [a] = urls() as [string];
      const doomed = await cluster.add();
      const device = (await signUp(a)).cookie;
      // The device's 8 sockets all on the process that will crash: the ninth is refused elsewhere.
      for (let i = 0; i < SYNC_LIMITS.MAX_SOCKETS_PER_SESSION; i++) await open(doomed.url, device);
      expect(await refusal(a, device)).toBe(CLOSE_CODES.session_socket_limit.code);
      // kill -9: the process cannot give its places back; its Redis hashes stop being renewed.
      await doomed.stop('SIGKILL');
      await eventually(
        async () => (await refusal(a, device)) === undefined,
        'the crashed process’s counts expired and the device is admitted on another process',
        30_000,
      );
    } catch (error) {
      failed = true;
      throw error;
    }
    // Its wait is the counts' 15 s life by design, so it gets room beyond the usual minute.
  }, 90_000);

  it('[LIM2] while Redis is down each process applies the caps on its own; once it is back, they count over all again', async () => {
    const own = await startCluster(2, { ownRedis: true });
    let ownFailed = false;
    try {
      const [a, b] = own.processes.map((p) => p.url) as [string, string];
      const device = (await signUp(a)).cookie;
      await own.redis!.stop();
      // Ten sockets of one device over two processes: more than its 8, but never refused for Redis.
      for (const url of [a, a, a, a, a, b, b, b, b, b]) await open(url, device);
      // Each process still holds the cap for its own sockets.
      for (const url of [a, a, a]) await open(url, device);
      expect(await refusal(a, device)).toBe(CLOSE_CODES.session_socket_limit.code);
      // Redis back: the processes write their counts again, and the device is over its cap everywhere.
      await own.redis!.start();
      await eventually(
        async () => (await refusal(b, device)) === CLOSE_CODES.session_socket_limit.code,
        'the counts are back in Redis and hold over both processes',
      );
    } catch (error) {
      ownFailed = true;
      throw error;
    } finally {
      await own.dispose(ownFailed);
    }
  });
});
