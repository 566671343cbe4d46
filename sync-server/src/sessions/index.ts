export { readCookie, sessionCookieName, sessionCookieOptions } from './cookie.ts';
export {
  EXPIRED_SESSION_KEPT_MS,
  SESSION_LIFETIME_MS,
  SESSION_RENEW_BEFORE_MS,
  SessionStore,
  type Session,
  type ValidatedSession,
} from './session-store.ts';
export { generateSessionToken, isWellFormedToken, sessionIdFromToken } from './tokens.ts';
