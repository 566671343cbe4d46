import { SEGMENT_MESSAGES } from '@messenjo/shared';

/**
 * SEG1: which segment of a conversation an update may write to. Any segment up to the newest
 * one (older segments take edits, reactions, receipts, and messages of devices that wrote
 * offline, up to SEGMENT_HARD_LIMIT); the next one only once the newest holds SEGMENT_MESSAGES
 * messages on the server, so concurrent devices may both open n + 1 but nobody can skip ahead.
 * Returns why not, or null when the update may proceed.
 */
export function segmentRefusal(index: number, newest: number, messagesInNewest: () => number): string | null {
  if (index <= newest) return null;
  if (index > newest + 1) return `segment ${index} is beyond the next one (${newest + 1})`;
  if (newest < 0) return null; // segment 0 of a conversation with none yet
  const count = messagesInNewest();
  return count >= SEGMENT_MESSAGES
    ? null
    : `segment ${index} opens once segment ${newest} holds ${SEGMENT_MESSAGES} messages (it holds ${count})`;
}
