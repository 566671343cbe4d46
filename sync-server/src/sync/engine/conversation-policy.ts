import type { MessageEntry, SystemEntry } from '@messenjo/shared';
import type { ListColumns } from '../store/list-columns.ts';

/**
 * What the sync engine asks of the social graph: who may write (a removed member, an ended
 * group or a direct conversation between people who are no longer friends is read-only), who
 * hears about a conversation's changes, and the list's columns that commit with its messages.
 */
export interface ConversationPolicy {
  /**
   * The answer from memory when it is there; else a promise of it (read from the store, then
   * kept): the engine asks again once it resolves and decides in that turn.
   */
  canWrite(userId: string, conversationId: string): boolean | Promise<boolean>;
  /** Users whose devices are told when the conversation's list data changes. */
  audience(conversationId: string): Promise<string[]>;
  /** Reads what the list columns of this system line will need (names), before it is written. */
  prepareSystemEntry(entry: SystemEntry): Promise<void>;
  /** The list's columns for messages about to commit, with the newest in display order (written by their commit). */
  listColumns(conversationId: string, newest: MessageEntry, count: number): ListColumns;
  /** Called once a commit wrote the conversation's list columns (the newest message's preview and sender). */
  messagesCommitted(columns: ListColumns): void;
}
