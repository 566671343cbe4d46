import { freshDatabase, redisUrl } from './databases.ts';
import { startServer, type RunningServer } from './server.ts';

/**
 * Several real server processes (the built `dist/main.js`, each on a port the OS picks) over one
 * fresh PostgreSQL database of the test's own and the run's Redis: the deployment the README's
 * `compose.yaml` describes, on one machine. Processes that share a database share Redis
 * channels (named after the database), so test files never hear each other.
 */
export interface Cluster {
  databaseUrl: string;
  processes: RunningServer[];
  /** Starts one more process over the same database and Redis. */
  add(env?: Record<string, string>): Promise<RunningServer>;
  /** Kills every process, drops the database; keeps the logs when `failed`. */
  dispose(failed?: boolean): Promise<void>;
}

export async function startCluster(size: number, options: { redisUrl?: string } = {}): Promise<Cluster> {
  const db = await freshDatabase();
  const processes: RunningServer[] = [];
  const add = async (env: Record<string, string> = {}): Promise<RunningServer> => {
    const server = await startServer({
      env: { DATABASE_URL: db.url, REDIS_URL: options.redisUrl ?? redisUrl(), LOG_LEVEL: 'info', ...env },
    });
    processes.push(server);
    return server;
  };
  try {
    // One after the other: the first applies nothing (the template is migrated), and a loaded
    // 2-core machine starts three node processes faster in turn than at once.
    for (let i = 0; i < size; i++) await add();
  } catch (error) {
    for (const server of processes) await server.dispose({ failed: true, name: 'cluster' });
    await db.drop();
    throw error;
  }
  return {
    databaseUrl: db.url,
    processes,
    add,
    async dispose(failed = false) {
      for (const [i, server] of processes.entries())
        await server.dispose({ failed, name: `cluster-process-${i}` });
      await db.drop();
    },
  };
}
