import type { AttachmentEntry } from './attachments.ts';

/**
 * The words a message shows where only a line of it fits — the conversation list and a push
 * notification — when it carries files (docs/attachments.md, "Receiving"). A message of files
 * only has an empty text; the line then says what was sent ("Photo", "3 files", the file's name)
 * rather than nothing, and a caption follows the label. One function for the server's list
 * columns (which push notifications read) and the device's own reading, so both say the same.
 */
export function messagePreviewText(message: {
  text: string;
  attachments?: readonly Pick<AttachmentEntry, 'kind' | 'name'>[] | undefined;
}): string {
  const files = message.attachments ?? [];
  if (files.length === 0) return message.text;
  const label = attachmentsLabel(files);
  const caption = message.text.trim();
  return caption === '' ? label : `${label}: ${caption}`;
}

const KIND_WORDS = {
  image: ['Photo', 'photos'],
  video: ['Video', 'videos'],
  voice: ['Voice message', 'voice messages'],
} as const;

/** "Photo", "2 videos", "Voice message", a single file's name, else "3 files". */
export function attachmentsLabel(files: readonly Pick<AttachmentEntry, 'kind' | 'name'>[]): string {
  const first = files[0];
  if (!first) return '';
  const sameKind = files.every((file) => file.kind === first.kind);
  if (sameKind && first.kind !== 'file') {
    const [one, many] = KIND_WORDS[first.kind];
    return files.length === 1 ? one : `${files.length} ${many}`;
  }
  return files.length === 1 ? first.name : `${files.length} files`;
}
