/// <reference lib="webworker" />
import { collectExport } from './collect.ts';
import type { ExportAnswer, ExportRequest } from './protocol.ts';
import { toMarkdown } from './markdown.ts';

/**
 * Builds an export off the main thread (decoding every stored segment of a long history takes
 * seconds): reads the stored documents, folds them, and answers with the file's text.
 */
declare const self: DedicatedWorkerGlobalScope;
const post = (answer: ExportAnswer): void => self.postMessage(answer);

self.onmessage = (event: MessageEvent<ExportRequest>) => {
  const request = event.data;
  collectExport({
    syncDbName: request.syncDbName,
    account: request.account,
    people: new Map(request.people),
    conversations: new Map(request.conversations),
    onProgress: (done, total) => post({ kind: 'progress', done, total }),
  }).then(
    (file) =>
      post({
        kind: 'done',
        text: request.format === 'json' ? `${JSON.stringify(file, null, 2)}\n` : toMarkdown(file),
      }),
    (error: unknown) =>
      post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
};
