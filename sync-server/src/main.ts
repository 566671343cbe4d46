import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { connectRedis, type RedisLink } from './cluster/redis-link.ts';
import { ConfigError, loadConfig, type Config } from './config/index.ts';
import { openStorage, StorageError, type OpenedStorage } from './db/index.ts';
import { createLogger, type Logger } from './logger.ts';
import { passkeyOriginAdvice, passkeyOriginProblem } from '@messenjo/shared';
import { createServices } from './services.ts';
import { checkNativeModules } from './server/native-modules.ts';
import { closeHttpServer, Lifecycle, originFromAddress } from './server/lifecycle.ts';
import { serveSync } from './sync/index.ts';

// Both src/main.ts (dev) and dist/main.js (built) sit one level below the package folder.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = (
  JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }
).version;

/** Prints one clear line and exits 1: the contract for every failure to start. */
function fail(message: string): never {
  process.stderr.write(`messenjo: cannot start: ${message}\n`);
  process.exit(1);
}

function readConfig(): Config {
  try {
    return loadConfig(process.env, { staticDir: path.resolve(packageDir, '../app/dist') });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

async function openConfiguredStorage(config: Config): Promise<OpenedStorage> {
  try {
    return await openStorage({
      dataDir: config.dataDir,
      ...(config.database.engine === 'postgres' ? { postgresUrl: config.database.url } : {}),
    });
  } catch (error) {
    if (error instanceof StorageError)
      fail(error.variable === 'DATA_DIR' ? error.message : `${error.variable}: ${error.message}`);
    throw error;
  }
}

/** REDIS_URL's connections, or one clear line: a bus configured but unreachable at start is a mistake to fix. */
async function connectConfiguredRedis(config: Config, logger: Logger): Promise<RedisLink | undefined> {
  if (!config.redisUrl) return undefined;
  try {
    return await connectRedis(config.redisUrl, logger);
  } catch (error) {
    fail(
      `REDIS_URL: cannot connect to ${config.redisUrl.host} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Passkeys are the sign-in that needs no configuration, and they cannot work at an IP address
 * or over plain http (but on localhost): the browser only says "invalid domain". Said once at
 * start, so whoever set PUBLIC_URL reads why before the first person tries.
 */
function warnWhenPasskeysCannotWork(logger: Logger, publicUrl: URL): void {
  const problem = passkeyOriginProblem(publicUrl);
  if (!problem) return;
  logger.warn(`PUBLIC_URL ${publicUrl.origin} cannot work with passkeys: ${passkeyOriginAdvice(problem)}`, {
    publicUrl: publicUrl.origin,
    passkeys: problem,
  });
}

async function start(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  // Before the database: a binary built for another Node.js reads as that, not as a DATA_DIR problem.
  const nativeProblem = await checkNativeModules();
  if (nativeProblem !== undefined) fail(nativeProblem);
  const storage = await openConfiguredStorage(config);
  const { database, documentsDb } = storage;
  const redis = await connectConfiguredRedis(config, logger);
  // One line naming the engines, never a password.
  logger.info('database ready', {
    dataDir: config.dataDir,
    database: database.describe(),
    // The documents live in the same database on either engine (SQLite: on a commit worker).
    documents: documentsDb ? 'sqlite (the same file, commit worker)' : 'postgres (the same database)',
    bus: config.redisUrl ? `redis (${config.redisUrl.host}, between the server processes)` : 'in-process',
    migrationsApplied: storage.applied,
  });

  const lifecycle = new Lifecycle(logger);
  lifecycle.onShutdown({ name: 'database', run: () => storage.close() });
  // Registered after the database, so it runs before it (and after the sync step).
  if (redis) lifecycle.onShutdown({ name: 'redis', run: () => redis.close() });

  let publicUrl = config.publicUrl ?? new URL('http://localhost');
  let services: ReturnType<typeof createServices>;
  try {
    services = createServices({
      database,
      documentsDb,
      logger,
      accounts: config.accounts,
      dataDir: config.dataDir,
      publicUrl: () => publicUrl,
      push: config.push,
      sessionLifetimeMs: config.sessionLifetimeMs,
      attachments: config.attachments,
      // Processes share channels when they share a database (one Redis may serve several deployments).
      ...(redis && config.database.engine === 'postgres'
        ? {
            cluster: {
              link: redis,
              prefix: `messenjo:${new URL(config.database.url).pathname.slice(1)}:`,
              backstopMs: config.clusterBackstopMs,
            },
          }
        : {}),
    });
  } catch (error) {
    await storage.close();
    fail(`DATA_DIR: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Started with the server, so the first device's first message does not wait for the thread to boot.
  services.commitWorker?.start();
  // Runs after the sync step has committed what was pending: the commit worker finishes and ends.
  lifecycle.onShutdown({ name: 'documents', run: () => services.docStore.close() });
  const app = createApp({
    services,
    staticDir: config.staticDir,
    publicUrl: () => publicUrl,
    version,
    expectedMigrations: storage.expectedMigrations,
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
  server.on('error', (error: NodeJS.ErrnoException) => {
    void storage.close();
    fail(`cannot listen on ${config.host}:${config.port} (${error.code ?? error.message})`);
  });
  server.on('listening', () => {
    if (config.publicUrl === undefined) publicUrl = originFromAddress(server, config.host);
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    logger.info(`Messenjo is running at ${publicUrl.origin}`, {
      url: publicUrl.origin,
      host: config.host,
      port,
      version,
    });
    warnWhenPasskeysCannotWork(logger, publicUrl);
  });
  lifecycle.onShutdown({ name: 'http', run: () => closeHttpServer(server, config.shutdownTimeoutMs) });

  // Unreferenced blobs are freed after the grace period; expired partial uploads go.
  lifecycle.onShutdown({ name: 'attachment sweep', run: services.attachments.startSweeping() });
  // With several processes, the others learn which sessions have a socket here (no push to them).
  lifecycle.onShutdown({ name: 'presence', run: services.presence.start() });
  // Registered before the sync step, so it runs after it: the pushes of its last commits go out.
  lifecycle.onShutdown({ name: 'push', run: () => services.push.sender.close() });
  // Registered after the database step, so it runs before it: sockets close with 1001 and
  // pending commits are flushed (and acked) while the database is still open.
  const sync = serveSync(server, services, () => publicUrl);
  // Let the 1001 close frames reach the devices before the process exits.
  lifecycle.onShutdown({ name: 'sync', run: () => sync.stop(2000) });
  // Registered last, so it runs first: from the moment shutdown begins, the commit worker has
  // COMMIT_DRAIN_TIMEOUT_MS to store what it is handed (the sync step's flushes wait for it).
  lifecycle.onShutdown({
    name: 'commit deadline',
    run: () => services.commitWorker?.shutdownWithin(config.commitDrainTimeoutMs),
  });

  const stop = (signal: string): void => {
    void lifecycle.shutdown(signal).then(() => {
      logger.info('stopped', { signal });
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void start();
