import type { AttachmentEntry } from '@messenjo/shared';
import type { ChatMessage } from './types.ts';

/** One picture of the conversation as the viewer goes through them. */
export interface ConversationPicture {
  /** Stable across new messages and older history: the message and the blob. */
  key: string;
  messageId: string;
  entry: AttachmentEntry;
}

/** A picture with its size known: shown in its box in the timeline and opened in the viewer. */
export const isBoxedPicture = (entry: AttachmentEntry): boolean =>
  entry.kind === 'image' && Boolean(entry.width) && Boolean(entry.height);

export const pictureKey = (messageId: string, blob: string): string => `${messageId}|${blob}`;

/**
 * Every picture of the loaded history, oldest first (newest last), in the order the timeline
 * shows them: what the viewer goes through (docs/attachments.md, "Receiving"). A deleted message's
 * pictures are gone from the timeline and so from here; a message still uploading has nothing to
 * fetch yet.
 */
export function conversationPictures(messages: readonly ChatMessage[]): ConversationPicture[] {
  const pictures: ConversationPicture[] = [];
  for (const message of messages) {
    if (message.deleted || message.upload || !message.attachments) continue;
    for (const entry of message.attachments)
      if (isBoxedPicture(entry))
        pictures.push({ key: pictureKey(message.id, entry.blob), messageId: message.id, entry });
  }
  return pictures;
}
