import type { ConversationDetail, FriendsResponse, ReadPosition, UserSummary } from '@messenjo/shared';
import {
  countUnreadIndexed,
  type ConversationRow,
  type TailMessage,
} from '../conversation-list/list-columns.ts';
import type { LocalDb } from './local-db.ts';
import { tailKey, type IndexedMessage } from './schema.ts';

/**
 * The device's own index, as the session writes and asks it (Dexie, `local-db.ts`): the list's
 * rows (written in a batch at the end of the task that changed them), the message index (one
 * write queue, so a count asked after a write sees it), names, pictures, friends and the members
 * of conversations opened here. Nothing in it is the authority; a failed write is logged and
 * the screens keep what they show.
 */
export class LocalIndex {
  private readonly dirtyRows = new Map<string, ConversationRow | null>();
  private readonly dirtyTails = new Map<string, TailMessage[] | null>();
  private rowsFlush: ReturnType<typeof setTimeout> | undefined;
  private messageWrites: Promise<unknown> = Promise.resolve();
  private rowWrites: Promise<void> = Promise.resolve();

  constructor(
    readonly db: LocalDb,
    private readonly me: string,
  ) {}

  /** A row changed (null: it left the list); stored at the end of the task, with the others. */
  rowChanged(id: string, row: ConversationRow | null): void {
    this.dirtyRows.set(id, row);
    // The next task, not later: a reload right after a change must find the row stored.
    this.rowsFlush ??= setTimeout(() => void this.flushRows(), 0);
  }

  private flushRows(): Promise<void> {
    clearTimeout(this.rowsFlush);
    this.rowsFlush = undefined;
    const changed = [...this.dirtyRows];
    const tails = [...this.dirtyTails];
    this.dirtyRows.clear();
    this.dirtyTails.clear();
    const put = changed.flatMap(([, row]) => (row ? [row] : []));
    const removed = changed.flatMap(([id, row]) => (row ? [] : [id]));
    const keep = tails.flatMap(([id, tail]) => (tail ? [{ key: tailKey(id), value: tail }] : []));
    const drop = tails.flatMap(([id, tail]) => (tail ? [] : [tailKey(id)]));
    // A write already under way is waited for too: a close right after must not cut it off.
    if (put.length + removed.length + keep.length + drop.length === 0) return this.rowWrites;
    const db = this.db;
    this.rowWrites = this.rowWrites
      .then(() =>
        db.transaction('rw', db.conversations, db.kept, async () => {
          if (put.length > 0) await db.conversations.bulkPut(put);
          if (removed.length > 0) await db.conversations.bulkDelete(removed);
          if (keep.length > 0) await db.kept.bulkPut(keep);
          if (drop.length > 0) await db.kept.bulkDelete(drop);
        }),
      )
      .catch((error: unknown) => console.warn('local index not written', error));
    return this.rowWrites;
  }

  /** A conversation's newest messages changed (null: it left the list); kept with the rows' next write. */
  tailChanged(id: string, tail: TailMessage[] | null): void {
    this.dirtyTails.set(id, tail);
    this.rowsFlush ??= setTimeout(() => void this.flushRows(), 0);
  }

  /** Messages to add (or refresh) and remove; `length`: how many of `docId`'s messages are indexed now. */
  indexMessages(docId: string, length: number, put: IndexedMessage[], removed: string[]): void {
    const db = this.db;
    this.messageWrites = this.messageWrites
      .then(() =>
        db.transaction('rw', db.messages, db.kept, async () => {
          if (put.length > 0) await db.messages.bulkPut(put);
          if (removed.length > 0) await db.messages.bulkDelete(removed);
          await db.kept.put({ key: `indexed:${docId}`, value: length });
        }),
      )
      .catch((error: unknown) => console.warn('message index not written', error));
  }

  /** How many messages of a segment an earlier run indexed already. */
  async indexedLength(docId: string): Promise<number> {
    return ((await this.db.kept.get(`indexed:${docId}`))?.value as number | undefined) ?? 0;
  }

  /** Unread messages of a conversation in segments below `below`, counted from the message index. */
  async countUnread(
    conversationId: string,
    position: ReadPosition | undefined,
    below: number,
  ): Promise<number> {
    await this.messageWrites;
    const rows = await this.db.messages.where('conversationId').equals(conversationId).toArray();
    return countUnreadIndexed(rows, position, this.me, below);
  }

  saveProfiles(people: UserSummary[]): void {
    void this.db.profiles.bulkPut(people).catch(() => undefined);
  }

  saveFriends(friends: FriendsResponse): void {
    void this.db.kept.put({ key: 'friends', value: friends }).catch(() => undefined);
  }

  detail(id: string): Promise<ConversationDetail | undefined> {
    return this.db.details.get(id).catch(() => undefined);
  }

  saveDetail(detail: ConversationDetail): void {
    void this.db.details.put(detail).catch(() => undefined);
  }

  forgetDetail(id: string): void {
    void this.db.details.delete(id).catch(() => undefined);
  }

  /** Writes what waits (before a close that keeps the data). */
  async flush(): Promise<void> {
    await this.flushRows();
    await this.messageWrites;
  }

  /** Drops what waits (the data is being removed). */
  discard(): void {
    clearTimeout(this.rowsFlush);
    this.dirtyRows.clear();
    this.dirtyTails.clear();
  }

  close(): void {
    this.db.close();
  }
}
