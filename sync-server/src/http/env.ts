import type { RequestIdVariables } from 'hono/request-id';

/** Hono's typed context variables for this server. Later middleware (sessions) add theirs here. */
export interface AppEnv {
  Variables: RequestIdVariables;
}
