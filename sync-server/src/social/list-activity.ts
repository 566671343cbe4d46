import { describeSystemEntry, isSystemMessage, type MessageEntry } from '@messenjo/shared';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import type { EventBus } from '../events/bus.ts';
import type { UserDirectory } from './user-directory.ts';

/**
 * At most one "the list changed" per conversation in this window (marked `cause: 'messages'`:
 * the app, which holds every conversation's newest segment, ignores it; other clients refetch).
 */
const ANNOUNCE_WINDOW_MS = 1000;
const PREVIEW_CHARS = 140;

/**
 * Records committed messages in the conversation list's columns (last message preview, sender,
 * time, count, last activity), so the list never loads a document, and announces the change
 * to members at most once a second per conversation.
 */
export class ListActivity {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Prepared on first use (the tables exist only once migrated): it runs on every committed update. */
  private recordStatement: Statement<[string, string, number, number, number, string]> | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly users: UserDirectory,
    private readonly now: () => number,
  ) {}

  messagesCommitted(conversationId: string, newest: MessageEntry, count: number): void {
    const now = this.now();
    const preview = [...this.previewOf(newest).replace(/\s+/g, ' ').trim()].slice(0, PREVIEW_CHARS).join('');
    this.recordStatement ??= this.db.prepare<[string, string, number, number, number, string]>(
      `UPDATE conversations SET last_message_preview = ?, last_message_sender_id = ?, last_message_at = ?,
           last_activity_at = ?, message_count = message_count + ? WHERE id = ?`,
    );
    this.recordStatement.run(preview, newest.author, now, now, count, conversationId);
    if (this.pending.has(conversationId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(conversationId);
      this.bus.publish({ type: 'conversation.changed', conversationId, cause: 'messages' });
    }, ANNOUNCE_WINDOW_MS);
    timer.unref();
    this.pending.set(conversationId, timer);
  }

  /** A system line reads with the names people have now ("Ann added Ben"), never raw ids. */
  private previewOf(entry: MessageEntry): string {
    if (!isSystemMessage(entry)) return entry.text;
    const s = entry.system;
    const ids = [s.actorId, ...('userIds' in s ? s.userIds : []), ...('userId' in s ? [s.userId] : [])];
    const people = this.users.summaries(ids);
    return describeSystemEntry(s, (id) => {
      const person = people.get(id);
      return person ? person.displayName || person.username : 'someone';
    });
  }

  /** Announces what is waiting now (shutdown, tests). */
  flush(): void {
    for (const [conversationId, timer] of this.pending) {
      clearTimeout(timer);
      this.bus.publish({ type: 'conversation.changed', conversationId, cause: 'messages' });
    }
    this.pending.clear();
  }
}
