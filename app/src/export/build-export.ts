import {
  describeSystemEntry,
  isSystemMessage,
  parseReactionKey,
  segmentOf,
  type MessageEntry,
} from '@messenjo/shared';
import type * as Y from 'yjs';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportConversation,
  type ExportFile,
  type ExportMessage,
  type ExportPerson,
  type ExportReaction,
} from './format.ts';

const iso = (at: number): string => new Date(at).toISOString();

/** What the device knows of a conversation besides its documents (the list's row). */
export interface ConversationMeta {
  kind: 'direct' | 'group';
  name: string;
}

/**
 * One segment document's messages as the export writes them: the newest text and an edited
 * mark, deletions as tombstones (no text), reactions by emoji, server lines with their sentence.
 */
export function segmentExport(
  doc: Y.Doc,
  segment: number,
  nameOf: (userId: string) => string,
): ExportMessage[] {
  const { messages, edits, deletions, reactions } = segmentOf(doc);
  const byMessage = new Map<string, Map<string, string[]>>();
  for (const key of reactions.keys()) {
    const parsed = parseReactionKey(key);
    if (!parsed) continue;
    const emojis = byMessage.get(parsed.messageId) ?? new Map<string, string[]>();
    byMessage.set(parsed.messageId, emojis);
    emojis.set(parsed.emoji, [...(emojis.get(parsed.emoji) ?? []), parsed.userId]);
  }
  return messages.toArray().map((entry: MessageEntry) => {
    const out: ExportMessage = {
      id: entry.id,
      segment,
      author: entry.author,
      sentAt: iso(entry.sentAt),
      text: entry.text,
    };
    if (entry.replyTo !== undefined) out.replyTo = entry.replyTo;
    if (isSystemMessage(entry)) {
      out.system = entry.system;
      out.text = describeSystemEntry(entry.system, nameOf);
    }
    const edit = edits.get(entry.id);
    if (edit) {
      out.text = edit.text;
      out.edited = { at: iso(edit.at) };
    }
    const deletion = deletions.get(entry.id);
    if (deletion) {
      out.text = '';
      out.deleted = { by: deletion.by, at: iso(deletion.at) };
    }
    const emojis = byMessage.get(entry.id);
    if (emojis && emojis.size > 0) {
      out.reactions = [...emojis]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([emoji, by]): ExportReaction => ({ emoji, by: by.sort() }));
    }
    return out;
  });
}

/** A conversation from the segments this device holds (any order). */
export function conversationExport(
  id: string,
  meta: ConversationMeta | undefined,
  segments: readonly { index: number; messages: ExportMessage[] }[],
): ExportConversation {
  const ordered = [...segments].sort((a, b) => a.index - b.index);
  const indexes = ordered.map((s) => s.index);
  return {
    id,
    kind: meta?.kind ?? 'unknown',
    name: meta?.name ?? 'Conversation',
    segments: indexes,
    complete: indexes.every((index, i) => index === i),
    messages: ordered.flatMap((s) => s.messages),
  };
}

/** The whole file; `people` is narrowed to those the conversations name. */
export function exportFile(
  account: { id: string } & ExportPerson,
  people: ReadonlyMap<string, ExportPerson>,
  conversations: ExportConversation[],
  now: number = Date.now(),
): ExportFile {
  const named = new Set<string>();
  for (const c of conversations)
    for (const m of c.messages) {
      named.add(m.author);
      if (m.deleted) named.add(m.deleted.by);
      for (const r of m.reactions ?? []) for (const u of r.by) named.add(u);
    }
  const known: Record<string, ExportPerson> = {};
  for (const id of [...named].sort()) {
    const person = people.get(id);
    if (person) known[id] = person;
  }
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: iso(now),
    account,
    people: known,
    conversations,
  };
}
