import type { MessageEntry } from '@messenjo/shared';

/**
 * What the sync engine asks of the social graph: who may write (a removed member, an ended
 * group or a direct conversation between people who are no longer friends is read-only), who
 * hears about a conversation's changes, and where committed messages are recorded for the list.
 */
export interface ConversationPolicy {
  canWrite(userId: string, conversationId: string): boolean;
  /** Users whose devices are told when the conversation's list data changes. */
  audience(conversationId: string): string[];
  /** Called after messages were committed, with the newest message in display order. */
  messagesCommitted(conversationId: string, newest: MessageEntry, count: number): void;
}
