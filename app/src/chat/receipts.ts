import type { ReceiptEntry } from '@messenjo/shared';
import type { ChatMessage } from './types.ts';

/**
 * How far each other member has read, as a position in the loaded timeline. A receipt names the
 * newest message of its segment the reader saw; the furthest over all segments counts (a
 * receipt in a later segment means the earlier ones were read too).
 */
export function readerPositions(
  messages: readonly ChatMessage[],
  receipts: readonly { segment: number; receipts: ReadonlyMap<string, ReceiptEntry> }[],
  meId: string,
): Map<string, number> {
  const indexOf = new Map<string, number>();
  messages.forEach((m, i) => indexOf.set(m.id, i));
  const positions = new Map<string, number>();
  for (const { receipts: bySegment } of receipts) {
    for (const [reader, receipt] of bySegment) {
      if (reader === meId) continue;
      const at = indexOf.get(receipt.messageId);
      if (at === undefined) continue;
      positions.set(reader, Math.max(positions.get(reader) ?? -1, at));
    }
  }
  return positions;
}

/** The readers who have seen the message at `index`. */
export function seenBy(positions: ReadonlyMap<string, number>, index: number): string[] {
  return [...positions].filter(([, at]) => at >= index).map(([reader]) => reader);
}

/** The newest message this user wrote (where "Read" / "Seen by" shows), or -1. */
export function lastOwnIndex(messages: readonly ChatMessage[], meId: string): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.author === meId) return i;
  return -1;
}
