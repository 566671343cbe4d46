import { ATTACHMENT_LIMITS, encryptedSize } from '@messenjo/shared';
import { Store } from '../lib/store.ts';
import type { PendingAttachmentMessage, PendingAttachmentStore, PendingBlob } from './pending-store.ts';
import type { UploadProgress } from './tus-upload.ts';
import { UploadRefusedError } from './upload-refused.ts';

/**
 * The outbox of messages with attachments (docs/attachments.md, "Sending"): each message is
 * shown at once (pending, with its progress), its blobs are uploaded one after another while the
 * device is online, and only when the server has every blob is the message written into its
 * conversation (the server refuses a message naming a blob it does not have). Kept in IndexedDB
 * (pending-store.ts), so it survives a reload and continues offline→online. Framework-free:
 * screens read `pending` and never see bytes.
 */

/** What a screen shows of one pending message. */
export interface PendingFacts {
  /** 0–1: the share of its ciphertext bytes the server has. */
  progress: number;
  /**
   * `preparing`: its files are being encrypted on the device (shown meanwhile, not yet kept);
   * `waiting`: offline or after a failure, tried again when the network returns.
   */
  state: 'preparing' | 'uploading' | 'waiting' | 'failed';
  /** Why it failed for good (the server's sentence). */
  problem?: string;
}

/** A pending message as screens see it: the message without its bytes, and its facts. */
export interface PendingAttachmentView {
  message: Omit<PendingAttachmentMessage, 'blobs'>;
  facts: PendingFacts;
}

export interface AttachmentOutboxOptions {
  store: PendingAttachmentStore;
  /** Uploads (or resumes) one blob of a message; rejects with UploadRefusedError for good. */
  upload: (
    message: PendingAttachmentMessage,
    blob: PendingBlob,
    onProgress: (progress: UploadProgress) => void,
    signal: AbortSignal,
  ) => Promise<void>;
  /**
   * Writes the message into its conversation. Must be idempotent by message id: a reload between
   * writing it and forgetting it here writes it again.
   */
  commit: (message: PendingAttachmentMessage) => Promise<void>;
  /**
   * Ends the server's unfinished upload of a blob of a message given up (tus termination), so it
   * stops counting against the quota. Best effort; absent, the server's expiry frees it.
   */
  terminate?: (message: PendingAttachmentMessage, blob: PendingBlob) => Promise<void>;
  /** Whether the device is online now, and a way to hear when that changes. */
  online: { get(): boolean; subscribe(listener: () => void): () => void };
  /** The wait before trying again after a failure while online (doubles to 60 s). */
  retryDelayMs?: number;
}

const MAX_RETRY_DELAY_MS = 60_000;
const PREPARING: PendingFacts = { progress: 0, state: 'preparing' };

const viewOf = (message: PendingAttachmentMessage, facts: PendingFacts): PendingAttachmentView => {
  const { blobs: _bytes, ...rest } = message;
  return { message: rest, facts };
};

export class AttachmentOutbox {
  /** Every pending message, oldest first, with its facts. */
  readonly pending = new Store<readonly PendingAttachmentView[]>([]);
  private readonly messages = new Map<string, PendingAttachmentMessage>();
  /** Messages shown while their files are prepared (previews: no blobs yet), until `send` or given up. */
  private readonly preparing = new Map<string, Omit<PendingAttachmentMessage, 'blobs'>>();
  /** Messages given up while prepared: their `send` is dropped. */
  private readonly givenUp = new Set<string>();
  private readonly facts = new Map<string, PendingFacts>();
  private readonly abort = new AbortController();
  private readonly disposers: (() => void)[] = [];
  private running = false;
  private again = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  /**
   * The message being delivered, how to stop its upload should the person give it up, and when
   * that upload has settled (an upload given up while being created answers first: its URL is
   * what ends it on the server).
   */
  private delivering: { id: string; abort: AbortController; settled: Promise<void> } | undefined;

  constructor(private readonly options: AttachmentOutboxOptions) {
    this.disposers.push(
      options.online.subscribe(() => {
        if (options.online.get()) this.kick();
      }),
    );
  }

  /** Loads what a previous page left pending and continues it. */
  async start(): Promise<void> {
    for (const message of await this.options.store.all()) {
      this.messages.set(message.id, message);
      this.facts.set(message.id, this.initialFacts(message));
    }
    this.publish();
    this.kick();
  }

  /**
   * Shows a message whose files are still being encrypted on the device, with what is known of
   * them (`previewAttachment`'s previews: no blobs yet); `send` or `discard` ends it. Only shown:
   * closing the page meanwhile loses it (the warning before closing counts it).
   */
  showPreparing(message: Omit<PendingAttachmentMessage, 'blobs'>): void {
    if (this.givenUp.has(message.id) || this.messages.has(message.id)) return;
    this.preparing.set(message.id, message);
    this.publish();
  }

  /**
   * Keeps a new message (its bytes encrypted) and starts uploading it. False when the person gave
   * it up while it was prepared (nothing kept).
   */
  async send(message: PendingAttachmentMessage): Promise<boolean> {
    if (this.givenUp.delete(message.id)) return false;
    // Shown as kept from here on, so a `discard` meanwhile removes it from the store after the put.
    this.preparing.delete(message.id);
    this.messages.set(message.id, message);
    this.facts.set(message.id, this.initialFacts(message));
    this.publish();
    await this.options.store.put(message);
    if (!this.messages.has(message.id)) return false;
    this.kick();
    return true;
  }

  /** A message shown while prepared that could not be prepared after all: shown no more. */
  dropPreparing(messageId: string): void {
    this.givenUp.delete(messageId);
    if (this.preparing.delete(messageId)) this.publish();
  }

  /**
   * Gives up a message that failed for good or that the person cancels: stops its upload, forgets
   * its bytes, and ends the server's unfinished uploads of its blobs (so they stop counting
   * against her quota at once). A message already being written into its conversation is not
   * stopped any more.
   */
  async discard(messageId: string): Promise<void> {
    if (this.preparing.delete(messageId)) {
      this.givenUp.add(messageId);
      this.publish();
      return;
    }
    const message = this.messages.get(messageId);
    if (!message) return;
    this.messages.delete(messageId);
    this.facts.delete(messageId);
    const delivering = this.delivering?.id === messageId ? this.delivering : undefined;
    delivering?.abort.abort();
    this.publish();
    await this.options.store.remove(messageId);
    const { terminate } = this.options;
    // Ended only once its upload has settled, so an upload being created has its URL by then.
    await delivering?.settled;
    if (terminate)
      for (const blob of message.blobs) if (!blob.uploaded) await terminate(message, blob).catch(() => {}); // the expiry frees it
  }

  dispose(): void {
    this.abort.abort();
    clearTimeout(this.retryTimer);
    for (const dispose of this.disposers.splice(0)) dispose();
    this.pending.clear();
  }

  private initialFacts(message: PendingAttachmentMessage): PendingFacts {
    if (message.failed) return { progress: 0, state: 'failed', problem: message.failed };
    return { progress: shareUploaded(message, 0), state: 'waiting' };
  }

  private publish(): void {
    const views = [
      ...[...this.messages.values()].map((message) =>
        viewOf(message, this.facts.get(message.id) ?? this.initialFacts(message)),
      ),
      ...[...this.preparing.values()].map((message) => ({ message, facts: PREPARING })),
    ].sort((a, b) => a.message.sentAt - b.message.sentAt || (a.message.id < b.message.id ? -1 : 1));
    this.pending.set(views);
  }

  private setFacts(id: string, facts: PendingFacts): void {
    if (!this.messages.has(id)) return; // given up: its upload's last progress says nothing
    this.facts.set(id, facts);
    this.publish();
  }

  /** Runs the queue, once at a time; a kick while running runs it again after. */
  private kick(): void {
    if (this.abort.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.abort.signal.aborted || !this.options.online.get()) return;
      const next = [...this.messages.values()]
        .filter((message) => !message.failed)
        .sort((a, b) => a.sentAt - b.sentAt)[0];
      if (!next) return;
      try {
        await this.deliver(next);
        this.failures = 0;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (!this.messages.has(next.id)) continue; // given up meanwhile (discard)
        if (error instanceof UploadRefusedError) {
          const failed = { ...next, failed: error.message };
          this.messages.set(next.id, failed);
          await this.options.store.put(failed);
          this.setFacts(next.id, { progress: 0, state: 'failed', problem: error.message });
          continue;
        }
        this.setFacts(next.id, { ...this.initialFacts(next), state: 'waiting' });
        this.scheduleRetry();
        return;
      }
    }
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    const base = this.options.retryDelayMs ?? 2_000;
    const delay = Math.min(MAX_RETRY_DELAY_MS, base * 2 ** this.failures);
    this.failures++;
    this.retryTimer = setTimeout(() => this.kick(), delay);
  }

  /** Uploads what the server lacks of one message, then writes it into its conversation. */
  private async deliver(start: PendingAttachmentMessage): Promise<void> {
    let message = start;
    const abort = new AbortController();
    const stop = () => abort.abort();
    this.abort.signal.addEventListener('abort', stop, { once: true });
    const delivering = { id: message.id, abort, settled: Promise.resolve() };
    this.delivering = delivering;
    const given = () => {
      if (!this.messages.has(message.id)) throw new DOMException('given up', 'AbortError');
    };
    try {
      for (const blob of message.blobs) {
        if (blob.uploaded) continue;
        this.setFacts(message.id, { progress: shareUploaded(message, 0), state: 'uploading' });
        const uploading = this.options.upload(
          message,
          blob,
          ({ sent }) =>
            this.setFacts(message.id, { progress: shareUploaded(message, sent), state: 'uploading' }),
          abort.signal,
        );
        delivering.settled = uploading.then(
          () => {},
          () => {},
        );
        await uploading;
        given();
        message = (await this.options.store.markUploaded(message.id, blob.blob)) ?? message;
        given();
        this.messages.set(message.id, message);
      }
    } finally {
      this.delivering = undefined;
      this.abort.signal.removeEventListener('abort', stop);
    }
    await this.options.commit(message);
    await this.options.store.remove(message.id);
    this.messages.delete(message.id);
    this.facts.delete(message.id);
    this.publish();
  }
}

/**
 * The share of a message's ciphertext the server has: its uploaded blobs plus `sending` bytes of
 * the one under way. Uploaded blobs' bytes are dropped, so their sizes come from the entries.
 */
export function shareUploaded(message: PendingAttachmentMessage, sending: number): number {
  const sizes = new Map<string, number>();
  for (const entry of message.attachments) {
    sizes.set(entry.blob, encryptedSize(entry.size, ATTACHMENT_LIMITS.CHUNK_BYTES));
    if (entry.thumbnail)
      sizes.set(entry.thumbnail.blob, encryptedSize(entry.thumbnail.size, ATTACHMENT_LIMITS.CHUNK_BYTES));
  }
  let total = 0;
  let done = sending;
  for (const blob of message.blobs) {
    const size = blob.uploaded ? (sizes.get(blob.blob) ?? 0) : blob.ciphertext.size;
    total += size;
    if (blob.uploaded) done += size;
  }
  return total === 0 ? 1 : Math.min(1, done / total);
}
