import type { CommitsCheck, HealthResponse, ReadinessChecks, ReadinessResponse } from '@messenjo/shared';
import { Hono } from 'hono';
import { appliedCount, type Db } from '../db/index.ts';
import type { AppEnv } from '../http/env.ts';
import { AppError } from '../http/app-error.ts';

export interface HealthDeps {
  db: Db;
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
  routes.get('/readyz', (c) => {
    c.header('Cache-Control', 'no-store');
    let database: 'ok' | 'failed' = 'ok';
    let applied = 0;
    try {
      applied = appliedCount(deps.db);
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

/** Why the server cannot serve now, for people reading the answer; undefined when it can. */
function notReadyBecause(checks: ReadinessChecks): string | undefined {
  if (checks.database !== 'ok') return 'the database does not answer';
  if (checks.migrations.applied !== checks.migrations.expected)
    return `${checks.migrations.applied} of ${checks.migrations.expected} migrations applied`;
  if (checks.commits !== 'ok') return `updates cannot be committed now (commit worker: ${checks.commits})`;
  return undefined;
}
