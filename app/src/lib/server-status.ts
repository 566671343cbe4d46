import type { HealthResponse } from '@messenjo/shared';

export type ServerStatus =
  { state: 'checking' } | { state: 'online'; version: string } | { state: 'offline' };

/** Asks the server whether it is alive. Offline (or any failure) is an answer, not an error. */
export async function fetchServerStatus(signal?: AbortSignal): Promise<ServerStatus> {
  try {
    const response = await fetch('/healthz', { cache: 'no-store', ...(signal ? { signal } : {}) });
    if (!response.ok) return { state: 'offline' };
    const body = (await response.json()) as Partial<HealthResponse>;
    return body.status === 'ok' && typeof body.version === 'string'
      ? { state: 'online', version: body.version }
      : { state: 'offline' };
  } catch {
    return { state: 'offline' };
  }
}
