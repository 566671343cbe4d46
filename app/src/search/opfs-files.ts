/**
 * Where a user's search index lives: a folder of the origin private file system (OPFS) that the
 * `opfs-sahpool` VFS keeps its files in. One per user, so two accounts on one browser never mix.
 */
export const searchDirName = (userId: string): string => `messenjo-search-${userId}`;

/** How long sign-out waits for the tabs' search workers to let go of the files. */
const RELEASE_TIMEOUT_MS = 3000;

/**
 * Deletes a user's search index (sign-out). The search workers hold its files open until they
 * are terminated, which the disposed sessions do; a removal refused meanwhile is tried again.
 */
export async function deleteSearchIndex(userId: string): Promise<void> {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return;
  const root = await navigator.storage.getDirectory();
  const until = Date.now() + RELEASE_TIMEOUT_MS;
  for (;;) {
    try {
      await root.removeEntry(searchDirName(userId), { recursive: true });
      return;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotFoundError') return;
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
