import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../app.ts';
import { openStorage } from '../db/index.ts';
import { createLogger } from '../logger.ts';
import { createServices, type Services } from '../services.ts';
import { closeHttpServer } from '../server/lifecycle.ts';
import { serveSync, type SyncHub, type SyncHubOptions } from '../sync/index.ts';
import { Seeder } from './seed.ts';

export interface InProcessServer {
  url: string;
  publicUrl: URL;
  services: Services;
  hub: SyncHub;
  /** Seeds through this server's own stores, so membership events reach its sockets. */
  seed: Seeder;
  /** Graceful stop as main does it: sync step (flush, 1001), HTTP, the commit worker, database. */
  close(): Promise<void>;
}

/**
 * The same server main.ts builds (createApp + sync socket on a real port the OS picks, real
 * SQLite file, or PostgreSQL with `postgresUrl`), in the test's process: for tests that must publish events the socket reacts
 * to (membership removed) and for fuzzing with server restarts. Everything else uses the built server.
 */
export async function startInProcessServer(
  dataDir: string,
  hubOptions: Partial<SyncHubOptions> = {},
  options: { postgresUrl?: string } = {},
): Promise<InProcessServer> {
  const storage = await openStorage({ dataDir, ...options });
  const logger = createLogger('error');
  let publicUrl = new URL('http://127.0.0.1');
  const services = createServices({
    database: storage.database,
    documentsDb: storage.documentsDb,
    logger,
    dataDir,
    publicUrl: () => publicUrl,
  });
  services.commitWorker?.start(); // as main does
  const app = createApp({
    services,
    staticDir: dataDir,
    publicUrl: () => publicUrl,
    version: 'test',
    expectedMigrations: storage.expectedMigrations,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s)) as Server;
  });
  publicUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const sync = serveSync(server, services, () => publicUrl, hubOptions);
  return {
    url: publicUrl.origin,
    publicUrl,
    services,
    hub: sync.hub,
    seed: Seeder.over(storage.database, services),
    async close() {
      await sync.stop(1000);
      await services.push.sender.close();
      await closeHttpServer(server, 1000);
      await services.docStore.close();
      await storage.close();
    },
  };
}
