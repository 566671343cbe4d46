import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS_DIR } from './paths.ts';

/**
 * PostgreSQL and Redis for the tests, started from the machine's Debian packages (`.ci/run` and
 * `scripts/ensure-services.mjs` install them) on free ports, each in a temporary folder of its
 * own that `stop` removes. One of each serves a whole test run (`global-services.ts`); each test
 * file takes its own database from a migrated template (`databases.ts`).
 */
export interface RunningService {
  /** postgres://… or redis://… on 127.0.0.1. */
  url: string;
  port: number;
  /** The service's main process (PostgreSQL's postmaster; its backends are its children). */
  pid: number | undefined;
  /** What the service printed. */
  log(): string;
  /** Stops it (fast shutdown), removes its folder and resolves once the process ended. */
  stop(): Promise<void>;
  /** True when it ended without being asked to. */
  crashed(): boolean;
}

/** The user the test cluster's superuser is named after (trust authentication on 127.0.0.1 only). */
export const POSTGRES_TEST_USER = 'messenjo';

/** Where Debian keeps the server binaries (`/usr/lib/postgresql/<major>/bin`), newest first; PG_BIN_DIR overrides. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(path.join(root, name, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error(
      'PostgreSQL is missing: install it (Debian/Ubuntu: sudo apt-get install postgresql) or set PG_BIN_DIR',
    );
  }
  return path.join(root, majors[0]!, 'bin');
}

/**
 * initdb refuses to run as root: as root the cluster belongs to Debian's `postgres` system user
 * (created by the package) and its processes run as that user.
 */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root needs the `postgres` user that Debian’s postgresql package creates');
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway PostgreSQL cluster in `dir`. `durable: false` (the default for tests) turns
 * fsync off: the tests kill server processes, never PostgreSQL, and a cluster that syncs every
 * commit makes the suite slower for nothing. Benchmarks pass `durable: true`.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<RunningService> {
  const bin = postgresBinDir();
  const owner = clusterOwner();
  // Directly in the system's temporary folder (world-traversable), owned by the cluster's user.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-postgres-'));
  const data = path.join(dir, 'pgdata');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  try {
    execFileSync(
      path.join(bin, 'initdb'),
      [
        '-D',
        data,
        '-U',
        POSTGRES_TEST_USER,
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
      ],
      { stdio: 'pipe', ...owner },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${stderr || String(error)}`);
  }
  const durability = options.durable
    ? []
    : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      path.join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'max_connections=300',
        ...durability,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...owner },
    );
    const service = watch(child, 'postgres', /database system is ready to accept connections/);
    try {
      await service.ready;
      return {
        ...service.handle(`postgres://${POSTGRES_TEST_USER}@127.0.0.1:${port}/postgres`, port),
        stop: async () => {
          await service.stop('SIGINT');
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process took the port between the probe and the bind: try another one.
      if (attempt < 3 && /could not bind|Address already in use/.test(service.log())) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
}

/** Starts Redis on a free port with nothing persisted (Redis holds nothing durable for us). */
/** A Redis of its own; `port`: on that port (a restart test brings it back where the servers look for it). */
export async function startRedis(options: { port?: number } = {}): Promise<RunningService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn(
      process.env.REDIS_SERVER_PATH ?? 'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const service = watch(child, 'redis', /Ready to accept connections/);
    try {
      await service.ready;
      return {
        ...service.handle(`redis://127.0.0.1:${port}`, port),
        stop: async () => {
          await service.stop('SIGTERM');
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if (attempt < 3 && /Address already in use/.test(service.log())) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
}

/** Keeps a service's log in tests/.test-artifacts (a run that failed). */
export function keepServiceLog(name: string, service: RunningService): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}-${Date.now()}.log`);
  writeFileSync(file, service.log());
  return file;
}

const READY_TIMEOUT_MS = 30_000;

function watch(child: ChildProcess, name: string, readyLine: RegExp) {
  let output = '';
  let stopping = false;
  let exited = false;
  const ended = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${READY_TIMEOUT_MS} ms:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (readyLine.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not be started: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  return {
    ready,
    log: () => output,
    stop: async (signal: NodeJS.Signals): Promise<void> => {
      stopping = true;
      if (!exited) child.kill(signal);
      await ended;
    },
    handle: (url: string, port: number) => ({
      url,
      port,
      pid: child.pid,
      log: () => output,
      crashed: () => exited && !stopping,
    }),
  };
}
