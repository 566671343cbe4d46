import { ATTACHMENT_ROUTES, blobPath, newMessageId } from '@messenjo/shared';
import { AttachmentOutbox } from '../attachments/attachment-outbox.ts';
import { attachmentsProblem } from '../attachments/file-facts.ts';
import { maxFileBytes } from '../attachments/operator-limits.ts';
import { keepCiphertext } from '../attachments/blob-cache.ts';
import {
  PendingAttachmentStore,
  type PendingAttachmentMessage,
  type PendingBlob,
} from '../attachments/pending-store.ts';
import {
  previewAttachment,
  type PreparedAttachment,
  type PreviewedAttachment,
} from '../attachments/prepare.ts';
import type { VoiceFacts } from '../attachments/voice-analysis.ts';
import type { Store } from '../lib/store.ts';
import type { ConversationSegments, SyncStatus } from '../sync/index.ts';

/**
 * The uploader (tus-js-client), fetched when something is uploaded or ended rather than with the
 * session's engine at every start. Every chunk is precached by the service worker, so it loads
 * offline too.
 */
const tus = () => import('../attachments/tus-upload.ts');

/**
 * Sending messages with attachments for the session (docs/attachments.md, "Sending"): the
 * attachments outbox, fed by the composer and writing each message into its conversation once
 * its blobs are uploaded. One tab at a time runs the uploads (a Web Lock), so two tabs never
 * upload the same bytes; the others show their own sends once written.
 */
export class AttachmentSending {
  /** Empty until the store is open (the outbox then shows what a previous page left pending). */
  readonly outbox: Promise<AttachmentOutbox>;
  private readonly release = new AbortController();

  constructor(
    private readonly options: {
      userId: string;
      status: Store<SyncStatus>;
      conversation: (id: string) => ConversationSegments;
      /** The operator's cap on one file (the server refuses more anyway; this says it before encrypting). */
      maxFileBytes?: number;
    },
  ) {
    this.outbox = this.open();
  }

  private async open(): Promise<AttachmentOutbox> {
    const { userId, status } = this.options;
    const store = await PendingAttachmentStore.open(userId);
    const online = {
      get: () => status.get() === 'online' || status.get() === 'syncing',
      subscribe: status.subscribe,
    };
    const endpoint = new URL(ATTACHMENT_ROUTES.uploads, window.location.origin).href;
    const outbox = new AttachmentOutbox({
      store,
      online,
      upload: async (message, blob, onProgress, signal) =>
        (await tus()).uploadBlob({
          endpoint,
          metadata: { conversation: message.conversationId, blob: blob.blob },
          ciphertext: blob.ciphertext,
          onProgress,
          signal,
        }),
      commit: (message) => this.commit(message),
      terminate: async (message, blob) =>
        (await tus()).terminateUpload({ conversation: message.conversationId, blob: blob.blob }),
    });
    this.release.signal.addEventListener('abort', () => {
      outbox.dispose();
      store.close();
    });
    const run = (): Promise<void> =>
      outbox
        .start()
        .then(
          () =>
            new Promise<void>((resolve) => this.release.signal.addEventListener('abort', () => resolve())),
        );
    if (typeof navigator !== 'undefined' && 'locks' in navigator)
      void navigator.locks
        .request(`messenjo-attachments-${userId}`, { signal: this.release.signal }, run)
        .catch(() => {}); // released when the session ends
    else void run();
    return outbox;
  }

  /** Writes an uploaded message into its conversation, once (a reload may ask again). */
  private async commit(message: PendingAttachmentMessage): Promise<void> {
    const segments = this.options.conversation(message.conversationId);
    await segments.openLatest();
    if (segments.timeline().some((written) => written.id === message.id)) return;
    await segments.send(message.author, message.text, message.replyTo, {
      id: message.id,
      sentAt: message.sentAt,
      attachments: message.attachments,
    });
  }

  /**
   * Encrypts the chosen files on the device and queues the message. It shows as soon as every
   * file's preview is made (a picture's box, placeholder and thumbnail after one decode), while
   * the files are still encrypted, and is kept and uploaded once they are. The sealed thumbnails
   * and files go into the device's cache of attachments too, so the sender's own pictures show
   * and open from the device, before and after the upload. Throws with a sentence (nothing queued)
   * when a file is over the limit or there are too many, or a file cannot be read.
   */
  async send(input: {
    conversationId: string;
    author: string;
    files: readonly File[];
    caption: string;
    replyTo?: string;
    keepMetadata: boolean;
    /** A voice note: the one file is its recording, these its measured length and waveform. */
    voice?: VoiceFacts;
  }): Promise<void> {
    const problem = attachmentsProblem(input.files, this.options.maxFileBytes ?? maxFileBytes());
    if (problem) throw new Error(problem);
    if (input.voice && input.files.length !== 1) throw new Error('A voice note is one recording.');
    const outbox = await this.outbox;
    const shown: Omit<PendingAttachmentMessage, 'blobs'> = {
      id: newMessageId(),
      conversationId: input.conversationId,
      author: input.author,
      text: input.caption,
      sentAt: Date.now(),
      attachments: [],
    };
    if (input.replyTo !== undefined) shown.replyTo = input.replyTo;
    const prepared: PreparedAttachment[] = [];
    try {
      // Every file's preview first (fast: a picture is decoded once), so that the message shows
      // before the slow part, the encryptions; one file at a time, as a phone's memory allows.
      const previewed: PreviewedAttachment[] = [];
      for (const file of input.files) {
        const next = await previewAttachment(file, {
          keepMetadata: input.keepMetadata,
          ...(input.voice ? { voice: input.voice } : {}),
        });
        // On the device before the message shows: its picture box reads the thumbnail from there.
        if (next.preview.thumbnail) await this.keepOnDevice(next.preview.thumbnail);
        previewed.push(next);
      }
      outbox.showPreparing({ ...shown, attachments: previewed.map((item) => item.preview.entry) });
      for (const item of previewed) prepared.push(await item.seal());
    } catch (error) {
      outbox.dropPreparing(shown.id);
      throw error;
    }
    for (const blob of prepared.flatMap((item) => item.blobs)) void this.keepOnDevice(blob);
    await outbox.send({
      ...shown,
      attachments: prepared.map((item) => item.entry),
      blobs: prepared.flatMap((item) => item.blobs),
    });
  }

  /** Keeps a sealed blob of the person's own in the device's cache of attachments (best effort). */
  private async keepOnDevice(blob: PendingBlob): Promise<void> {
    await keepCiphertext(this.options.userId, blobPath(blob.blob), blob.ciphertext).catch(() => {});
  }

  /**
   * Gives up a message whose files have not all gone up (cancelled while uploading, or refused):
   * it leaves the conversation, and the server's unfinished uploads of it are ended.
   */
  async discard(messageId: string): Promise<void> {
    await (await this.outbox).discard(messageId);
  }

  dispose(): void {
    this.release.abort();
  }
}
