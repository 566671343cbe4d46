import { mutedConversations, userDocId } from '@messenjo/shared';
import * as Y from 'yjs';
import type { DocStore } from '../sync/store/doc-store.ts';

/** Users whose mutes are remembered; past this the oldest entry goes. */
const MAX_CACHED_USERS = 5000;

/**
 * Who muted which conversation, read from the user documents the server stores (DM5's
 * `muted`): the same choice the user's devices show, with nothing to keep in step. A user's
 * set is cached with the document's head sequence number and read again only once the head
 * moved, so a push to someone whose document did not change costs one head lookup (one query
 * for every recipient of a message).
 */
export class MuteDirectory {
  private readonly cache = new Map<string, { head: number; muted: Set<string> }>();

  constructor(private readonly store: DocStore) {}

  /** The users among these who mute the conversation. */
  async mutedAmong(userIds: readonly string[], conversationId: string): Promise<Set<string>> {
    const heads = await this.store.heads(userIds.map(userDocId));
    const muted = new Set<string>();
    for (const userId of userIds) {
      const head = heads.get(userDocId(userId)) ?? 0;
      let entry = this.cache.get(userId);
      if (!entry || entry.head !== head) {
        entry = { head, muted: head === 0 ? new Set() : await this.read(userId) };
        this.remember(userId, entry);
      }
      if (entry.muted.has(conversationId)) muted.add(userId);
    }
    return muted;
  }

  private async read(userId: string): Promise<Set<string>> {
    const stored = await this.store.load(userDocId(userId));
    const doc = new Y.Doc({ gc: true });
    try {
      doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot.data);
        for (const entry of stored.log) Y.applyUpdate(doc, entry.data);
      });
      return mutedConversations(doc);
    } finally {
      doc.destroy();
    }
  }

  private remember(userId: string, entry: { head: number; muted: Set<string> }): void {
    this.cache.delete(userId);
    this.cache.set(userId, entry);
    if (this.cache.size > MAX_CACHED_USERS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
