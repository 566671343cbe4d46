import type { CommitsCheck, HealthResponse, ReadinessChecks, ReadinessResponse } from '@messenjo/shared';
import { Hono } from 'hono';
import type { Database } from '../db/index.ts';
import type { AppEnv } from '../http/env.ts';
import { AppError } from '../http/app-error.ts';

export interface HealthDeps {
  database: Database;
  version: string;
  expectedMigrations: number;
  startedAt: number;
  /** Whether updates can be committed now (the commit worker's state). */
  commits: () => CommitsCheck;
}

/** Liveness and readiness, both JSON and never cached (load balancers must see the truth). */
export function healthRoutes(deps: HealthDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/healthz', (c) => {
    c.header('Cache-Control', 'no-store');
    const body: HealthResponse = {
      status: 'ok',
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    };
    return c.json(body);
  });
  routes.get('/readyz', async (c) => {
    c.header('Cache-Control', 'no-store');
    let database: 'ok' | 'failed' = 'ok';
    let applied = 0;
    try {
      // PostgreSQL answers within the probe's patience or counts as down.
      const row = await withinMs(
        deps.database.get<{ n: number }>('SELECT COUNT(*) AS n FROM schema_migrations'),
        READY_QUERY_TIMEOUT_MS,
      );
      applied = row?.n ?? 0;
    } catch {
      database = 'failed';
    }
    const checks: ReadinessChecks = {
      database,
      migrations: { applied, expected: deps.expectedMigrations },
      commits: deps.commits(),
    };
    const problem = notReadyBecause(checks);
    if (problem === undefined) return c.json({ status: 'ready', checks } satisfies ReadinessResponse);
    const { error } = new AppError(503, 'not_ready', problem).toBody();
    return c.json({ status: 'not_ready', checks, error } satisfies ReadinessResponse, 503);
  });
  return routes;
}

/** A readiness probe waits this long for the database (load balancers time out too). */
const READY_QUERY_TIMEOUT_MS = 2000;

function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Why the server cannot serve now, for people reading the answer; undefined when it can. */
function notReadyBecause(checks: ReadinessChecks): string | undefined {
  if (checks.database !== 'ok') return 'the database does not answer';
  if (checks.migrations.applied !== checks.migrations.expected)
    return `${checks.migrations.applied} of ${checks.migrations.expected} migrations applied`;
  if (checks.commits !== 'ok') return `updates cannot be committed now (commit worker: ${checks.commits})`;
  return undefined;
}
