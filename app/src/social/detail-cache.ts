import type { ConversationDetail } from '@messenjo/shared';

/**
 * The last conversation details seen on this device, so an offline reload still shows names and
 * whether the conversation is writable. A stopgap until the device's local index (issue 9 §1)
 * holds conversations and profiles; then this file goes.
 */
const key = (id: string): string => `messenjo.conversation.${id}`;

export function rememberDetail(detail: ConversationDetail): void {
  try {
    localStorage.setItem(key(detail.id), JSON.stringify(detail));
  } catch {
    // Storage full or denied: the pane just needs the network next time.
  }
}

export function rememberedDetail(id: string): ConversationDetail | null {
  try {
    const raw = localStorage.getItem(key(id));
    const value = raw ? (JSON.parse(raw) as ConversationDetail) : null;
    return value?.id === id && Array.isArray(value.members) ? value : null;
  } catch {
    return null;
  }
}
