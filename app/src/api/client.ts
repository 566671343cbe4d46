import { isErrorEnvelope, type ErrorCode } from '@messenjo/shared';

/** A refusal from the server, carrying the envelope's code and field so the UI can say exactly why. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Calls the JSON API on our own origin. The browser adds the Origin header the server's
 * cross-site check wants and the session cookie; a failure always becomes an ApiError.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  return send<T>(path, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** Uploads a file as the request body (pictures): same envelope, same errors as `api`. */
export function apiUpload<T>(path: string, file: Blob): Promise<T> {
  return send<T>(path, {
    method: 'PUT',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
}

/**
 * Why the server says no one is signed in on this device (SE1 in docs/protocol.md): the session
 * ran out of time (`session_expired`: the device keeps its data and asks the person to sign in
 * again), or it was signed out, revoked or deleted (`unauthenticated`: the device is wiped).
 */
export type Unauthenticated = 'session_expired' | 'unauthenticated';

const unauthenticatedListeners = new Set<(code: Unauthenticated) => void>();

/**
 * Sign-ins on this page. A sign-in deletes the expired session it replaces, so a request sent
 * before it (a list refresh still carrying the old cookie) may be answered `unauthenticated`
 * after it: that 401 speaks of the session that is gone, not of the new one, and is not reported
 * (it would wipe the device and its unsent messages; seen in CI under load).
 */
let signIns = 0;

/** 401s to requests of a session a sign-in has replaced since (`sessionEnded` ignores them). */
const ofReplacedSession = new WeakSet<ApiError>();

/** The code when `error` says this page's current session has ended (a 401 of its own), else null. */
export function sessionEnded(error: unknown): Unauthenticated | null {
  if (!(error instanceof ApiError) || error.status !== 401 || ofReplacedSession.has(error)) return null;
  return unauthenticatedCode(error.code);
}

/** Called when a sign-in on this page has set a new session cookie. */
export function sessionReplaced(): void {
  signIns++;
}

/**
 * Called when the server answers 401, with its code: the session ended elsewhere (signed out
 * from another device, expired, account deleted). The accounts store shows the sign-in page; the
 * device session decides what that costs the device (session/server-ended.ts). Returns the disposer.
 */
export function onUnauthenticated(listener: (code: Unauthenticated) => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/**
 * The server said no one is signed in on this device (a 401, or the start-up question answered
 * "no one" while the device thought it was): every listener hears it as a 401 with that code.
 */
export function reportUnauthenticated(code: Unauthenticated = 'unauthenticated'): void {
  for (const listener of [...unauthenticatedListeners]) listener(code);
}

/** The 401's code as the listeners hear it: anything but an expiry counts as signed out. */
export const unauthenticatedCode = (code: unknown): Unauthenticated =>
  code === 'session_expired' ? 'session_expired' : 'unauthenticated';

async function send<T>(path: string, init: RequestInit): Promise<T> {
  const sentIn = signIns;
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', 'You are offline or the server cannot be reached');
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (response.status === 401 && sentIn === signIns)
    reportUnauthenticated(unauthenticatedCode(isErrorEnvelope(payload) ? payload.error.code : undefined));
  if (!response.ok) {
    const error = isErrorEnvelope(payload)
      ? new ApiError(response.status, payload.error.code, payload.error.message, payload.error.field)
      : new ApiError(response.status, 'internal_error', `The server answered ${response.status}`);
    if (response.status === 401 && sentIn !== signIns) ofReplacedSession.add(error);
    throw error;
  }
  return payload as T;
}
