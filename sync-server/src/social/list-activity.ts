import {
  describeSystemEntry,
  isSystemMessage,
  messagePreviewText,
  type MessageEntry,
  type SystemEntry,
} from '@messenjo/shared';
import type { EventBus } from '../events/bus.ts';
import type { ListColumns } from '../sync/store/list-columns.ts';
import type { UserDirectory } from './user-directory.ts';

/**
 * At most one "the list changed" per conversation in this window (marked `cause: 'messages'`:
 * the app, which holds every conversation's newest segment, ignores it; other clients refetch).
 */
const ANNOUNCE_WINDOW_MS = 1000;
const PREVIEW_CHARS = 140;
/** Names kept for system lines' previews (a bound on memory: past it, the cache starts over). */
const MAX_NAMES = 10_000;

/**
 * The conversation list's columns for committed messages (last message preview, sender, time,
 * count, last activity), so the list never loads a document: computed here as data and written
 * by the messages' own group commit (list-columns.ts); after the commit, members hear of the
 * change at most once a second per conversation.
 *
 * The columns are computed when a commit batch is cut, synchronously; a system line's preview
 * names people, so their names are read before the line is written (`prepare`) and kept here.
 */
export class ListActivity {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** userId → the name a system line shows, as last read. */
  private readonly names = new Map<string, string>();

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

  /**
   * Reads the names a system line's preview shows (the people it names, as they are now),
   * before the line goes into the document: the preview is computed when its commit is cut.
   */
  async prepare(entry: SystemEntry): Promise<void> {
    const people = await this.users.summaries(namedIn(entry));
    if (this.names.size + people.size > MAX_NAMES) this.names.clear();
    for (const [id, person] of people) this.names.set(id, person.displayName || person.username);
  }

  /** A system line reads with the names people have now ("Ann added Ben"), never raw ids. */
  private previewOf(entry: MessageEntry): string {
    if (!isSystemMessage(entry)) return messagePreviewText(entry); // files only: "Photo", "3 files"…
    // A line not prepared here (written before a restart, then newest again) names "someone".
    return describeSystemEntry(entry.system, (id) => this.names.get(id) ?? 'someone');
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

function namedIn(s: SystemEntry): string[] {
  return [s.actorId, ...('userIds' in s ? s.userIds : []), ...('userId' in s ? [s.userId] : [])];
}
