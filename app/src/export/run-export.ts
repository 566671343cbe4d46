import { syncDbName, type DeviceSession } from '../session/index.ts';
import type { ExportPerson } from './format.ts';
import type { ExportAnswer, ExportFormat, ExportRequest } from './protocol.ts';

const TYPES: Record<ExportFormat, string> = {
  json: 'application/json',
  markdown: 'text/markdown',
};
const EXTENSIONS: Record<ExportFormat, string> = { json: 'json', markdown: 'md' };

/**
 * Builds an export of everything this device holds in a worker of its own, reporting progress,
 * and resolves with the file to download. Names come from what the session knows (profiles,
 * friends, the conversation list), so it works offline.
 */
export function runExport(
  session: DeviceSession,
  account: { id: string } & ExportPerson,
  format: ExportFormat,
  onProgress: (done: number, total: number) => void,
): Promise<{ blob: Blob; name: string }> {
  const people = new Map<string, ExportPerson>();
  for (const p of session.profiles.get().values())
    people.set(p.id, { username: p.username, displayName: p.displayName });
  for (const f of session.friends.get().lists.friends)
    people.set(f.id, { username: f.username, displayName: f.displayName });
  const request: ExportRequest = {
    format,
    syncDbName: syncDbName(session.userId),
    account,
    people: [...people],
    conversations: session.conversations.get().map((row) => [row.id, { kind: row.kind, name: row.name }]),
  };
  const worker = new Worker(new URL('./export.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<{ blob: Blob; name: string }>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<ExportAnswer>) => {
      const answer = event.data;
      if (answer.kind === 'progress') return onProgress(answer.done, answer.total);
      worker.terminate();
      if (answer.kind === 'failed') return reject(new Error(answer.message));
      const date = new Date().toISOString().slice(0, 10);
      resolve({
        blob: new Blob([answer.text], { type: `${TYPES[format]};charset=utf-8` }),
        name: `messenjo-export-${date}.${EXTENSIONS[format]}`,
      });
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'the export stopped'));
    };
    worker.postMessage(request);
  });
}

/** Hands a file to the browser's downloads (no server round trip). */
export function download(file: { blob: Blob; name: string }): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the data by the next task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
