import { ATTACHMENT_LIMITS, ATTACHMENT_ROUTES } from '@messenjo/shared';

/**
 * The operator's cap on one file (ATTACHMENT_MAX_BYTES), so the app refuses a larger file the
 * moment it is chosen, before anything is encrypted or uploaded (docs/attachments.md, "Sending").
 * The one place the app asks: the server's `GET /api/attachments/limits` (its `maxFileBytes`;
 * offline, or from a server without the route, the last answer this device had, else the
 * default, 100 MB; the server's `attachment_too_large` still refuses more).
 * The answer is remembered in localStorage so an offline start knows it too. The composer asks
 * once it has opened and the page is idle, and checks a choice against the answer
 * (`maxFileBytesAnswered`): a device that never had one would otherwise measure its first choice
 * against the default.
 */

const LIMITS_ROUTE = ATTACHMENT_ROUTES.limits;
const REMEMBERED_KEY = 'messenjo-attachment-max-bytes';

/** How long a choice waits for the server's answer before the device's own word stands. */
export const ANSWER_WAIT_MS = 3000;

/** This page's one ask, once started. */
let asking: Promise<void> | undefined;

function remembered(): number | undefined {
  try {
    const value = Number(globalThis.localStorage?.getItem(REMEMBERED_KEY));
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the server's answer once per page; a failure leaves what the device knew. */
async function ask(): Promise<void> {
  try {
    const response = await fetch(LIMITS_ROUTE, { credentials: 'same-origin' });
    if (!response.ok) return;
    const body: unknown = await response.json();
    const max =
      typeof body === 'object' && body !== null
        ? (body as { maxFileBytes?: unknown }).maxFileBytes
        : undefined;
    if (typeof max === 'number' && Number.isSafeInteger(max) && max > 0)
      globalThis.localStorage?.setItem(REMEMBERED_KEY, String(max));
  } catch {
    // offline or an older server: the remembered limit or the default stands
  }
}

/** Starts this page's ask unless it has started; resolves when it has settled. */
function startAsking(): Promise<void> {
  if (!asking && typeof fetch !== 'undefined' && typeof window !== 'undefined') asking = ask();
  return asking ?? Promise.resolve();
}

/** The largest file that may be sent, as this device knows it now; asks the server in the background. */
export function maxFileBytes(): number {
  void startAsking();
  return remembered() ?? ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES;
}

/**
 * The largest file that may be sent, once this page's ask has settled (at once after the first
 * time); a server that has not answered within `waitMs` leaves what the device knew.
 */
export async function maxFileBytesAnswered(waitMs: number = ANSWER_WAIT_MS): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([startAsking(), new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
  return remembered() ?? ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES;
}
