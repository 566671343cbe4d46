import { LIMITS } from '@messenjo/shared';
import type { Logger } from '../../logger.ts';
import type { Accounts } from '../accounts.ts';
import type { Pictures } from '../media/pictures.ts';

const AVATAR_TIMEOUT_MS = 5000;

/**
 * Makes the provider's avatar the new account's profile picture, through the same checks and
 * re-encoding as an upload. Best effort: a slow, missing or odd avatar leaves the initial.
 */
export async function importAvatar(
  deps: { accounts: Accounts; pictures: Pictures; logger: Logger },
  userId: string,
  url: string,
): Promise<void> {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return;
    const response = await fetch(parsed, { signal: AbortSignal.timeout(AVATAR_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (Number(response.headers.get('content-length') ?? 0) > LIMITS.UPLOAD_BYTES)
      throw new Error('too large');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const record = await deps.pictures.ingest(userId, bytes);
    if ((await deps.accounts.users.get(userId))?.pictureMediaId) {
      await deps.pictures.release(record.id); // the person was quicker and uploaded one already
      return;
    }
    await deps.accounts.users.setPicture(userId, record.id);
  } catch (error) {
    deps.logger.warn('provider avatar not imported', {
      userId,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}
