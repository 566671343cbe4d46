import type { HealthResponse, ReadinessResponse } from '@messenjo/shared';
import { Hono } from 'hono';
import { appliedCount, type Db } from '../db/index.ts';
import type { AppEnv } from '../http/env.ts';

export interface HealthDeps {
  db: Db;
  version: string;
  expectedMigrations: number;
  startedAt: number;
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
    const ready = database === 'ok' && applied === deps.expectedMigrations;
    const body: ReadinessResponse = {
      status: ready ? 'ready' : 'not_ready',
      checks: { database, migrations: { applied, expected: deps.expectedMigrations } },
    };
    return c.json(body, ready ? 200 : 503);
  });
  return routes;
}
