import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readAccountsConfig, type AccountsConfig } from '../accounts/config.ts';
import { readAttachmentsConfig, type AttachmentsConfig } from '../attachments/config.ts';
import { readPushConfig, type PushConfig } from '../push/config.ts';
import { ConfigError } from './config-error.ts';
import { readDatabaseConfig, readRedisUrl, type DatabaseConfig } from './storage-config.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Everything the server can be told, validated once at start. Only `main` reads the environment. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /**
   * The origin users reach (scheme://host[:port]), for cookies, OAuth callbacks and the
   * WebSocket origin check. Undefined when PUBLIC_URL is not set: the server then uses
   * http://localhost:<bound port>.
   */
  publicUrl: URL | undefined;
  /** Folder of the built PWA that the server serves. */
  staticDir: string;
  logLevel: LogLevel;
  /** How long a graceful shutdown waits for open requests before closing them. */
  shutdownTimeoutMs: number;
  /**
   * How long a shutdown waits for the commit worker to store what it was handed; then the
   * worker is stopped and what it had not stored is logged as lost (never acked).
   */
  commitDrainTimeoutMs: number;
  /**
   * How long a device session lives after its last use (SESSION_LIFETIME_SECONDS, 30 days by
   * default); it is renewed once half of that is left. Tests make it seconds to see one expire.
   */
  sessionLifetimeMs: number;
  /** Registration policy and the enabled sign-in providers (src/accounts/config.ts). */
  accounts: AccountsConfig;
  /** DATABASE_URL: PostgreSQL, or SQLite in DATA_DIR when unset. */
  database: DatabaseConfig;
  /** REDIS_URL (with DATABASE_URL only): the bus between server processes; unset, events stay in this process. */
  redisUrl: URL | undefined;
  /** CLUSTER_BACKSTOP_MS (with REDIS_URL): how often each process checks the store for updates a lost relay did not bring. */
  clusterBackstopMs: number;
  /** Web Push: the push services allowed, the VAPID subject (src/push/config.ts). */
  push: PushConfig;
  /** Attachments: the file size limit, the per-user quota, the grace period (src/attachments/config.ts). */
  attachments: AttachmentsConfig;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function readPort(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT?.trim();
  if (raw === undefined || raw === '') return 8080;
  if (!/^\d+$/.test(raw))
    throw new ConfigError('PORT', `"${raw}" is not a number; use an integer from 0 to 65535`);
  const port = Number(raw);
  if (port > 65535) throw new ConfigError('PORT', `${port} is out of range; use an integer from 0 to 65535`);
  return port;
}

function readPositiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) {
    throw new ConfigError(name, `"${raw}" is not a positive integer`);
  }
  return Number(raw);
}

function readPublicUrl(env: NodeJS.ProcessEnv): URL | undefined {
  const raw = env.PUBLIC_URL?.trim();
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'PUBLIC_URL',
      `"${raw}" is not a URL; use an origin such as https://chat.example.org`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL', `"${raw}" must start with http:// or https://`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new ConfigError('PUBLIC_URL', `"${raw}" must be an origin without a path, query or fragment`);
  }
  return url;
}

/** Creates the data folder if needed and proves it is writable, so a bad mount fails at start, not at the first write. */
function ensureWritableDir(variable: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.R_OK | constants.W_OK);
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    throw new ConfigError(variable, `"${dir}" is not a writable folder (${reason})`);
  }
}

/** Reads and validates the configuration. Throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: { staticDir: string }): Config {
  const port = readPort(env);
  const host = env.HOST?.trim() || '0.0.0.0';
  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data');
  const publicUrl = readPublicUrl(env);
  const staticDir = path.resolve(env.STATIC_DIR?.trim() || defaults.staticDir);
  const rawLevel = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!LOG_LEVELS.includes(rawLevel as LogLevel)) {
    throw new ConfigError('LOG_LEVEL', `"${rawLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const shutdownTimeoutMs = readPositiveInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000);
  const commitDrainTimeoutMs = readPositiveInt(env, 'COMMIT_DRAIN_TIMEOUT_MS', 10_000);
  const sessionLifetimeMs = readPositiveInt(env, 'SESSION_LIFETIME_SECONDS', 30 * 24 * 60 * 60) * 1000;
  const accounts = readAccountsConfig(env);
  const database = readDatabaseConfig(env);
  const redisUrl = readRedisUrl(env);
  if (redisUrl && database.engine === 'sqlite') {
    // Several processes share one PostgreSQL; a SQLite file is one process, which needs no bus.
    throw new ConfigError('REDIS_URL', 'needs DATABASE_URL (the processes Redis joins share one PostgreSQL)');
  }
  const clusterBackstopMs = readPositiveInt(env, 'CLUSTER_BACKSTOP_MS', 3000);
  const push = readPushConfig(env);
  const attachments = readAttachmentsConfig(env);
  ensureWritableDir('DATA_DIR', dataDir);
  return {
    port,
    host,
    dataDir,
    publicUrl,
    staticDir,
    logLevel: rawLevel as LogLevel,
    shutdownTimeoutMs,
    commitDrainTimeoutMs,
    sessionLifetimeMs,
    accounts,
    database,
    redisUrl,
    clusterBackstopMs,
    push,
    attachments,
  };
}
