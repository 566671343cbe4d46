import type { ErrorBody } from './errors.ts';

/** `GET /healthz`: the process is alive and serving HTTP. */
export interface HealthResponse {
  status: 'ok';
  version: string;
  uptimeSeconds: number;
}

/**
 * The commit worker, as `/readyz` sees it: `ok` (running, its database open, its last commit
 * stored), or why updates cannot be stored now: `starting`, `restarting` (a worker ended; a new
 * one is on its way), `failing` (it refused the last commit), `stalled` (a commit has waited
 * for it too long), `stopped` (shutting down).
 */
export type CommitsCheck = 'ok' | 'starting' | 'restarting' | 'failing' | 'stalled' | 'stopped';

export interface ReadinessChecks {
  database: 'ok' | 'failed';
  migrations: { applied: number; expected: number };
  commits: CommitsCheck;
}

/**
 * `GET /readyz`: the database answers, every migration has been applied and updates can be
 * committed. Not ready is a 503 with the error envelope (`not_ready`) beside the checks.
 */
export type ReadinessResponse =
  | { status: 'ready'; checks: ReadinessChecks }
  | { status: 'not_ready'; checks: ReadinessChecks; error: ErrorBody };
