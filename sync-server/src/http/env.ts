import type { RequestIdVariables } from 'hono/request-id';
import type { AuthState } from '../accounts/session/auth-state.ts';

/** Hono's typed context variables for this server. */
export interface AppEnv {
  Variables: RequestIdVariables & {
    /** Set by the session middleware when the request carries a live session cookie. */
    auth: AuthState | undefined;
    /**
     * SE1: set instead of `auth` when the cookie names a session that expired (not revoked): a
     * 401 says `session_expired`, sign-out and the next sign-in delete that row.
     */
    expiredSessionId: string | undefined;
  };
}
