import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { PostgresDatabase } from '../../../sync-server/src/db/index.ts';
import { startServer, type RunningServer } from '../../harness/server.ts';
import { startPostgres, startRedis, type RunningService } from '../../harness/services.ts';
import { Seeder } from '../../harness/sync.ts';
import { processCpuMs, processRssKb, processTreeCpuMs } from '../stats.ts';
import { ProtocolPeer, seededPeople } from './messenjo.ts';
import type { BenchDevice, Target, TargetInstance } from './types.ts';

/**
 * Our built server as several processes over one PostgreSQL and one Redis (issue 18): the
 * deployment `compose.yaml` describes, on this machine. Each instance starts its own PostgreSQL
 * (fsync on: an ack means committed) and Redis in temporary folders on free ports, as the tests
 * do (`harness/services.ts`), then `processes` servers one after the other (the first migrates).
 * Device `u` connects to process `u mod processes`: the members of a W2 group sit on different
 * processes, so every message crosses Redis to reach most of them.
 *
 * Each server process is pinned to one core (`taskset`, process i on core i mod cores) where
 * `taskset` exists, unless BENCH_PIN=0; PostgreSQL, Redis and the load generator are not.
 */
export function messenjoCluster(processes: number, entry?: string): Target {
  // With `entry` (another build's dist/main.js, BENCH_BASELINE): the same cluster of that build,
  // for a before/after interleaved in one run.
  const name = `messenjo-pg${processes}${entry ? '-base' : ''}`;
  return {
    name,
    // W2 (fan-out across processes) and W3 (durable acks); the other workloads say nothing
    // a single process does not.
    workloads: ['W2', 'W3'],
    start: () => startCluster(name, processes, entry),
  };
}

async function startCluster(name: string, size: number, entry: string | undefined): Promise<TargetInstance> {
  const services: RunningService[] = [];
  let stopped: Promise<void> | undefined;
  const servers: RunningServer[] = [];
  let database: PostgresDatabase | undefined;
  const stopAll = async (): Promise<void> => {
    await database?.close();
    database = undefined;
    // A process that ended on its own (crashed) keeps its log in tests/.test-artifacts.
    for (const [i, server] of servers.splice(0).entries()) {
      const crashed = server.process.exitCode !== null || server.process.signalCode !== null;
      // Gracefully (SIGTERM) before the kill: a --cpu-prof profile is written on exit.
      if (!crashed) await server.stop();
      // BENCH_KEEP_LOGS=1 keeps every process's log (a run that missed deliveries: what each process said).
      const failed = (crashed && stopped === undefined) || process.env.BENCH_KEEP_LOGS === '1';
      await server.dispose({ failed, name: `${name}-process-${i}` });
    }
    for (const service of services.splice(0).reverse()) await service.stop();
  };
  try {
    const postgres = await startPostgres({ durable: true });
    services.push(postgres);
    const redis = await startRedis();
    services.push(redis);
    const profile = process.env.BENCH_PROFILE_DIR;
    for (let i = 0; i < size; i++) {
      const server = await startServer({
        entry,
        env: { DATABASE_URL: postgres.url, REDIS_URL: redis.url },
        ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {}),
      });
      servers.push(server);
      pinToCore(server, i);
    }
    database = PostgresDatabase.connect(postgres.url, { max: 2 });
    const seeder = Seeder.on(database);
    const seeded = seededPeople(seeder, new URL(servers[0]!.url));
    const serverOf = (device: BenchDevice) => servers[device.userIndex % size]!;
    const sum = (each: (server: RunningServer) => number | undefined) => {
      let total = 0;
      for (const server of servers) {
        const value = each(server);
        if (value === undefined) return undefined;
        total += value;
      }
      return total;
    };
    return {
      name,
      ack: 'durable',
      membership: true,
      createConversations: seeded.createConversations,
      createUserConversations: seeded.createUserConversations,
      addDevice: seeded.addDevice,
      connect: (device) => ProtocolPeer.connect(serverOf(device).url, seeded.cookieOf(device)),
      serverCpuMs: () => sum((server) => processCpuMs(server.process.pid)),
      serviceCpuMs: () => {
        const pg = processTreeCpuMs(postgres.pid);
        const bus = processCpuMs(redis.pid);
        return pg === undefined || bus === undefined ? undefined : pg + bus;
      },
      serverRssKb: () => sum((server) => processRssKb(server.process.pid)),
      // The documents live in PostgreSQL, not in a data folder (W8 measures SQLite's).
      storageBytes: () => NaN,
      stop: () =>
        (stopped ??= (async () => {
          for (const server of servers) await server.stop();
        })()),
      dispose: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const pinning = process.env.BENCH_PIN !== '0' && hasTaskset();

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every thread of server `index` onto core `index mod cores` (the threads it starts later inherit it). */
function pinToCore(server: RunningServer, index: number): void {
  const pid = server.process.pid;
  if (!pinning || pid === undefined) return;
  const core = index % os.availableParallelism();
  execFileSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' });
}
