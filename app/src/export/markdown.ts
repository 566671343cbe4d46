import { SYSTEM_AUTHOR } from '@messenjo/shared';
import type { ExportFile, ExportMessage } from './format.ts';

/** Backslashes what Markdown would read as markup, so a message reads as it was written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, '\\$&').replace(/^(\s*)([-+]|\d+\.)(\s)/gm, '$1\\$2$3');
}

const day = (iso: string): string => iso.slice(0, 10);
const clock = (iso: string): string => iso.slice(11, 16);

/** Lines of a message's text as Markdown, each line ending in a hard break. */
function body(text: string): string[] {
  return text.split('\n').map((line) => `${escapeMarkdown(line)}  `);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

/**
 * The export as a readable Markdown document: one section per conversation, a heading per day,
 * each message with its sender and time (UTC), replies quoting what they answer, edits marked,
 * deletions as tombstones, reactions under the message, server lines in italics.
 */
export function toMarkdown(file: ExportFile): string {
  const nameOf = (id: string): string => {
    if (id === file.account.id) return file.account.displayName || file.account.username || 'You';
    const p = file.people[id];
    return p ? p.displayName || p.username || id : 'Someone';
  };
  const total = file.conversations.reduce((n, c) => n + c.messages.length, 0);
  const account = file.account.username
    ? `${file.account.displayName} (@${file.account.username})`
    : file.account.displayName;
  const out: string[] = [
    '# Messenjo export',
    '',
    `${escapeMarkdown(account)} · exported ${file.exportedAt.slice(0, 16).replace('T', ' ')} UTC · ${file.conversations.length} conversations, ${total} messages · times in UTC`,
  ];
  for (const c of file.conversations) {
    out.push(
      '',
      `## ${escapeMarkdown(c.name)}${c.kind === 'group' ? ' (group)' : c.kind === 'direct' ? '' : ''}`,
      '',
    );
    if (!c.complete)
      out.push('*Older messages of this conversation are not on the device this was exported from.*', '');
    const byId = new Map(c.messages.map((m) => [m.id, m]));
    let lastDay = '';
    for (const m of c.messages) {
      if (day(m.sentAt) !== lastDay) {
        lastDay = day(m.sentAt);
        out.push(`### ${lastDay}`, '');
      }
      out.push(...messageLines(m, byId, nameOf), '');
    }
    if (c.messages.length === 0) out.push('*No messages on this device.*', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function messageLines(
  m: ExportMessage,
  byId: ReadonlyMap<string, ExportMessage>,
  nameOf: (id: string) => string,
): string[] {
  if (m.author === SYSTEM_AUTHOR) return [`*${clock(m.sentAt)} · ${escapeMarkdown(m.text)}*`];
  const head = `**${escapeMarkdown(nameOf(m.author))}** · ${clock(m.sentAt)}`;
  if (m.deleted) return [`${head} · *message deleted*`];
  const lines = [`${head}${m.edited ? ' · *edited*' : ''}  `];
  if (m.replyTo !== undefined) {
    const original = byId.get(m.replyTo);
    const quoted = !original
      ? 'an earlier message'
      : original.deleted
        ? `${escapeMarkdown(nameOf(original.author))}: *message deleted*`
        : `${escapeMarkdown(nameOf(original.author))}: ${escapeMarkdown(excerpt(original.text))}`;
    lines.push(`> ${quoted}`, '');
  }
  lines.push(...body(m.text));
  if (m.reactions?.length)
    lines.push(
      `Reactions: ${m.reactions.map((r) => `${r.emoji} ${r.by.map(nameOf).map(escapeMarkdown).join(', ')}`).join(' · ')}`,
    );
  return lines;
}
