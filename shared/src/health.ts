/** `GET /healthz`: the process is alive and serving HTTP. */
export interface HealthResponse {
  status: 'ok';
  version: string;
  uptimeSeconds: number;
}

/** `GET /readyz`: the database answers and every migration has been applied. */
export interface ReadinessResponse {
  status: 'ready' | 'not_ready';
  checks: {
    database: 'ok' | 'failed';
    migrations: { applied: number; expected: number };
  };
}
