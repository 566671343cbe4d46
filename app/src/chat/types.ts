import type { AttachmentEntry, MessageView, PictureUrls, SystemEntry } from '@messenjo/shared';
import type { PendingFacts } from '../attachments/attachment-outbox.ts';

/** One message as the conversation view shows it. */
export interface ChatMessage extends MessageView {
  /** The segment holding it (order: segment, then position in it). */
  segment: number;
  /** Written on this device and not yet stored by the server. */
  pending: boolean;
  /** A server-written line (member added, group renamed…), shown centred. */
  system?: SystemEntry;
  /** Its files (issue 17): pictures and files shown with the text. */
  attachments?: AttachmentEntry[];
  /** Its files are still uploading (not yet in the conversation): how far, or why it failed. */
  upload?: PendingFacts;
}

/** What the view needs to know of a conversation's members, by user id. */
export interface MemberInfo {
  name: string;
  picture: PictureUrls | null;
}
