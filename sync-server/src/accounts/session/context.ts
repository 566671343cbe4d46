import type { Context } from 'hono';
import type { AppEnv } from '../../http/env.ts';
import { AppError } from '../../http/app-error.ts';
import type { User } from '../users.ts';
import type { AuthState } from './auth-state.ts';

/**
 * The signed-in user and session, or a 401 in the error envelope. For every protected route.
 * SE1: `session_expired` when the device's session ran out of time, `unauthenticated` otherwise
 * (no cookie, signed out, revoked, account deleted).
 */
export function requireUser(c: Context<AppEnv>): AuthState {
  const auth = c.get('auth');
  if (auth) return auth;
  if (c.get('expiredSessionId')) {
    throw new AppError(401, 'session_expired', 'Your session expired: sign in again to continue');
  }
  throw new AppError(401, 'unauthenticated', 'Sign in to continue');
}

/** Like requireUser, and the account must have chosen its username (friends, groups, messages need it). */
export function requireUsername(c: Context<AppEnv>): AuthState & { user: User & { username: string } } {
  const auth = requireUser(c);
  if (auth.user.username === null) {
    throw new AppError(403, 'forbidden', 'Choose a username first', 'username');
  }
  return auth as AuthState & { user: User & { username: string } };
}
