import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migratePostgres, POSTGRES_MIGRATIONS } from '../../sync-server/src/db/index.ts';
import { TEMPLATE_DATABASE } from './databases.ts';
import { keepServiceLog, startPostgres, startRedis, type RunningService } from './services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test run's PostgreSQL (superuser, database `postgres`) and Redis. */
    services: { postgresUrl: string; redisUrl: string };
  }
}

/**
 * vitest globalSetup: one PostgreSQL and one Redis for the whole run, each in a temporary
 * folder, and a template database migrated once, which every test file copies (`databases.ts`).
 * Stopped and removed at the end; their logs are kept in tests/.test-artifacts when a test
 * failed or a service died.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: { name: string; service: RunningService }[] = [];
  const stopAll = async (failed: boolean): Promise<void> => {
    for (const { name, service } of started.reverse()) {
      if (failed || service.crashed())
        process.stderr.write(`${name} log kept at ${keepServiceLog(name, service)}\n`);
      await service.stop();
    }
  };
  try {
    const postgres = await startPostgres();
    started.push({ name: 'postgres', service: postgres });
    const redis = await startRedis();
    started.push({ name: 'redis', service: redis });
    await createTemplate(postgres.url);
    project.provide('services', { postgresUrl: postgres.url, redisUrl: redis.url });
  } catch (error) {
    await stopAll(true);
    throw error;
  }
  return () => stopAll(project.vitest.state.getCountOfFailedTests() > 0);
}

async function createTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  const pool = new pg.Pool({ connectionString: url.href, max: 1 });
  try {
    await migratePostgres(pool, POSTGRES_MIGRATIONS);
  } finally {
    await pool.end();
  }
}
