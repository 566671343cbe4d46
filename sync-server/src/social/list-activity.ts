import { describeSystemEntry, isSystemMessage, type MessageEntry } from '@messenjo/shared';
import type { EventBus } from '../events/bus.ts';
import type { ListColumns } from '../sync/store/list-columns.ts';
import type { UserDirectory } from './user-directory.ts';

/**
 * At most one "the list changed" per conversation in this window (marked `cause: 'messages'`:
 * the app, which holds every conversation's newest segment, ignores it; other clients refetch).
 */
const ANNOUNCE_WINDOW_MS = 1000;
const PREVIEW_CHARS = 140;

/**
 * The conversation list's columns for committed messages (last message preview, sender, time,
 * count, last activity), so the list never loads a document: computed here as data and written
 * by the messages' own group commit (list-columns.ts); after the commit, members hear of the
 * change at most once a second per conversation.
 */
export class ListActivity {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly users: UserDirectory,
    private readonly bus: EventBus,
    private readonly now: () => number,
  ) {}

  /** The columns after `count` messages whose newest (in display order) is `newest`. */
  columns(conversationId: string, newest: MessageEntry, count: number): ListColumns {
    const text = this.previewOf(newest).replace(/\s+/g, ' ').trim();
    // Cut by code points (never half an emoji); a text this short in UTF-16 units fits as it is.
    const preview = text.length <= PREVIEW_CHARS ? text : [...text].slice(0, PREVIEW_CHARS).join('');
    return { conversationId, preview, senderId: newest.author, at: this.now(), count };
  }

  /** The columns were committed: announce the change (once per window). */
  committed(conversationId: string): void {
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
