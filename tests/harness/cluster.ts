import { freshDatabase, redisUrl } from './databases.ts';
import { startServer, type RunningServer } from './server.ts';
import { startRedis, type RunningService } from './services.ts';

/**
 * Several real server processes (the built `dist/main.js`, each on a port the OS picks) over one
 * fresh PostgreSQL database of the test's own and the run's Redis: the deployment the README's
 * `compose.yaml` describes, on one machine. Processes that share a database share Redis
 * channels (named after the database), so test files never hear each other.
 */
export interface Cluster {
  databaseUrl: string;
  processes: RunningServer[];
  /** Starts one more process over the same database (and the cluster's Redis unless `REDIS_URL` is given). */
  add(env?: Record<string, string>): Promise<RunningServer>;
  /** With `ownRedis`: the cluster's Redis, which the test may stop and start again (same port). */
  redis: OwnRedis | undefined;
  /** Kills every process, drops the database; keeps the logs when `failed`. */
  dispose(failed?: boolean): Promise<void>;
}

/** A Redis the test stops (SIGTERM, nothing kept: `--save ''`) and starts again on its port. */
export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface ClusterOptions {
  redisUrl?: string;
  /** A Redis of the cluster's own (`Cluster.redis`), for tests that take it down. */
  ownRedis?: boolean;
  /** Environment for every process (e.g. CLUSTER_BACKSTOP_MS). */
  env?: Record<string, string>;
}

export async function startCluster(size: number, options: ClusterOptions = {}): Promise<Cluster> {
  const db = await freshDatabase();
  const processes: RunningServer[] = [];
  let ownRedis: RunningService | undefined;
  let redis: OwnRedis | undefined;
  if (options.ownRedis) {
    ownRedis = await startRedis();
    const { port, url } = ownRedis;
    redis = {
      url,
      async stop() {
        await ownRedis?.stop();
        ownRedis = undefined;
      },
      async start() {
        ownRedis ??= await startRedis({ port });
      },
    };
  }
  const bus = redis?.url ?? options.redisUrl ?? redisUrl();
  const add = async (env: Record<string, string> = {}): Promise<RunningServer> => {
    const server = await startServer({
      env: { DATABASE_URL: db.url, REDIS_URL: bus, LOG_LEVEL: 'info', ...options.env, ...env },
    });
    processes.push(server);
    return server;
  };
  const stopAll = async (failed: boolean): Promise<void> => {
    for (const [i, server] of processes.entries())
      await server.dispose({ failed, name: `cluster-process-${i}` });
    await ownRedis?.stop();
    await db.drop();
  };
  try {
    // One after the other: the first applies nothing (the template is migrated), and a loaded
    // 2-core machine starts three node processes faster in turn than at once.
    for (let i = 0; i < size; i++) await add();
  } catch (error) {
    await stopAll(true);
    throw error;
  }
  return { databaseUrl: db.url, processes, add, redis, dispose: stopAll };
}
