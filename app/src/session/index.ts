/**
 * The device session's public side: what screens (chat/, social/, accounts/, shell/) may use.
 * Everything else in session/ is how it works inside; lint keeps screens to this file.
 */
export { DeviceSessionProvider, useDeviceSession } from './context.tsx';
export type {
  DeviceSession,
  DeviceSessionOptions,
  FriendsState,
  SessionParts,
  SocialSync,
} from './device-session.ts';
export type { FirstConversation } from './local-index/first-read.ts';
export { syncDbName, type IndexedMessage } from './local-index/schema.ts';
export {
  activityAt,
  filterByName,
  previewLine,
  type ConversationRow,
  type LocalColumns,
  type TailMessage,
} from './conversation-list/list-columns.ts';
export { refusalText, type Refusal } from './refusals.ts';
export type { PendingRename, PendingRenames, RefusedRename } from './pending-renames.ts';
export type { AttachmentSending } from './attachment-sending.ts';
export { endedWhileAway, expiredNotice, serverEndedNotice, type ServerEnded } from './server-ended.ts';
export { countKeptUnsent, expiredAccount, settleKeptData } from './expired-account.ts';
export type { DeviceEvent, ExpiredAccount } from './kept-data.ts';
export { signOutOfDevice, unsentWarning } from './sign-out.ts';
export type { UserDocument } from './user-document.ts';
export type { AwarenessLink, ConversationSegments, DocFacts, SyncFacts, SyncStatus } from '../sync/index.ts';
