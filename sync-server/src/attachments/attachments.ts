import { isBlobId, type AttachmentLimitsResponse } from '@messenjo/shared';
import type { ReadStream } from 'node:fs';
import { DomainError } from '../domain-error.ts';
import type { Logger } from '../logger.ts';
import { hashFile, type BlobFiles } from './blob-files.ts';
import type { BlobStore, PendingUpload } from './blob-store.ts';
import { maxUploadBytes, type AttachmentsConfig } from './config.ts';

/** An unfinished upload's partial bytes are kept this long for the device to resume it. */
export const UPLOAD_EXPIRY_MS = 24 * 60 * 60 * 1000;

/** What the attachments ask of the social graph. */
export interface AttachmentAudience {
  /** May the user send messages in the conversation now (a current member of a live one)? */
  canWrite(userId: string, conversationId: string): Promise<boolean>;
  /** Is the user a current member of any of these conversations? */
  isMemberOfAny(userId: string, conversationIds: readonly string[]): Promise<boolean>;
}

/** Where a tus upload's partial bytes are, and how they go (the tus file store). */
export interface PartialUploads {
  pathOf(uploadId: string): string;
  remove(uploadId: string): Promise<void>;
}

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MB`;

/**
 * Attachment blobs on `Services.attachments` (docs/attachments.md, "Uploads and downloads"):
 * which uploads may begin (a writer of the conversation, within the size limit and her quota),
 * what a finished upload must prove (the SHA-256 it claimed), who may fetch a blob (a current
 * member of a conversation it belongs to), and freeing what nothing references any more.
 * Refusals are `DomainError`s; HTTP and tus are the routes' business.
 */
export class Attachments {
  /** Uploads and blobs being finished or freed: one at a time per blob id (see `serially`). */
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: {
      store: BlobStore;
      files: BlobFiles;
      partials: PartialUploads;
      audience: AttachmentAudience;
      config: AttachmentsConfig;
      logger: Logger;
      now: () => number;
    },
  ) {}

  get config(): AttachmentsConfig {
    return this.deps.config;
  }

  get store(): BlobStore {
    return this.deps.store;
  }

  /** The sync engine's VAL7: the operator's cap on one attached file. */
  get maxFileBytes(): number {
    return this.deps.config.maxFileBytes;
  }

  // The sync engine's `AttachmentGate` (VAL8, REF1, REF2): which blobs a message may name, and its references.

  claim(
    userId: string,
    conversationId: string,
    messages: readonly { key: string; blobs: readonly string[] }[],
  ): Promise<{ usable: Map<string, number>; claimed: { blob: string; key: string }[] }> {
    return this.deps.store.claimReferences(userId, conversationId, messages);
  }

  unclaim(conversationId: string, claimed: readonly { blob: string; key: string }[]): Promise<void> {
    return this.deps.store.dropReferenceRows(conversationId, claimed, this.deps.now());
  }

  async referenced(
    conversationId: string,
    messages: readonly { key: string; blobs: readonly string[] }[],
  ): Promise<void> {
    for (const message of messages)
      await this.deps.store.addReferences(conversationId, message.key, message.blobs);
  }

  async deleted(conversationId: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.deps.store.dropMessage(conversationId, key, this.deps.now());
  }

  /** Ties a new upload to its uploader and conversation, or refuses it with a reason. */
  async beginUpload(request: {
    uploadId: string;
    userId: string;
    conversationId: string;
    blobId: string;
    length: number;
  }): Promise<PendingUpload> {
    const { config, store, audience } = this.deps;
    if (!isBlobId(request.blobId))
      throw new DomainError(
        'validation_failed',
        'Upload-Metadata "blob" must be the SHA-256 of the encrypted file as 64 lowercase hex digits',
        'blob',
      );
    const max = maxUploadBytes(config);
    if (request.length > max)
      throw new DomainError(
        'attachment_too_large',
        `This file is too large: files up to ${mib(config.maxFileBytes)} can be sent`,
        'Upload-Length',
      );
    if (!(await audience.canWrite(request.userId, request.conversationId)))
      throw new DomainError(
        'not_a_member',
        'You can send files only in conversations you can write in',
        'conversation',
      );
    const upload: PendingUpload = {
      id: request.uploadId,
      userId: request.userId,
      conversationId: request.conversationId,
      blobId: request.blobId,
      length: request.length,
      createdAt: this.deps.now(),
    };
    if (!(await store.reserveUpload(upload, config.quotaBytes))) {
      const used = await store.usage(request.userId);
      throw new DomainError(
        'attachment_quota_exceeded',
        `Your files use ${mib(used)} of your ${mib(config.quotaBytes)} (uploads in progress count too); this one needs ${mib(request.length)} more`,
      );
    }
    return upload;
  }

  /** The operator's limits and what the user uses of her quota (`GET /api/attachments/limits`). */
  async limitsFor(userId: string): Promise<AttachmentLimitsResponse> {
    const { config, store } = this.deps;
    return {
      maxFileBytes: config.maxFileBytes,
      quotaBytes: config.quotaBytes,
      usedBytes: await store.usage(userId),
    };
  }

  /** The user's upload in progress; another user's or a finished one is not found. */
  async ownUpload(uploadId: string, userId: string): Promise<PendingUpload> {
    const upload = await this.deps.store.upload(uploadId);
    if (!upload || upload.userId !== userId)
      throw new DomainError('upload_not_found', 'No such upload in progress; start the upload again');
    return upload;
  }

  /** The upload ended unfinished (terminated by its device, or its creation failed). */
  async dropUpload(uploadId: string): Promise<void> {
    await this.deps.store.dropUpload(uploadId);
  }

  /**
   * The last byte arrived: the SHA-256 of what was received must be the id claimed, else
   * nothing is kept. A verified blob is stored under its hash (once, however often uploaded).
   */
  async finishUpload(uploadId: string): Promise<void> {
    const { store, files, partials } = this.deps;
    const upload = await store.upload(uploadId);
    if (!upload) throw new DomainError('upload_not_found', 'No such upload in progress');
    const file = partials.pathOf(uploadId);
    const { sha256, size } = await hashFile(file);
    if (sha256 !== upload.blobId) {
      await store.dropUpload(uploadId);
      await partials.remove(uploadId);
      throw new DomainError(
        'attachment_hash_mismatch',
        'The uploaded bytes do not match the SHA-256 claimed for them; nothing was kept',
        'blob',
      );
    }
    await this.serially(upload.blobId, async () => {
      await store.finishUpload(upload, size, this.deps.now());
      files.adopt(upload.blobId, file);
    });
    // The bytes moved; what is left is the tus file store's record of the upload.
    await partials.remove(uploadId).catch(() => undefined);
  }

  /** Where a blob's bytes are, for a user allowed to fetch it; otherwise not found. */
  async blobFor(userId: string, blobId: string): Promise<{ size: number }> {
    const { store, audience, files } = this.deps;
    const notFound = new DomainError('blob_not_found', 'No such file, or it is not shared with you');
    if (!isBlobId(blobId)) throw notFound;
    const blob = await store.get(blobId);
    if (!blob || !files.has(blobId)) throw notFound;
    const conversations = await store.conversationsOf(blobId);
    if (!(await audience.isMemberOfAny(userId, conversations))) throw notFound;
    return { size: blob.size };
  }

  read(blobId: string, range?: { start: number; end: number }): ReadStream {
    return this.deps.files.read(blobId, range);
  }

  /**
   * Frees the bytes of blobs unreferenced for longer than the grace period, and the partial
   * bytes of uploads not finished within UPLOAD_EXPIRY_MS. Returns what it freed.
   */
  async sweep(): Promise<{ blobs: number; uploads: number }> {
    const { store, files, partials, config, logger } = this.deps;
    const now = this.deps.now();
    const before = now - config.graceMs;
    let blobs = 0;
    for (const blobId of await store.releasable(before)) {
      await this.serially(blobId, async () => {
        if (!(await store.release(blobId, before))) return;
        files.remove(blobId);
        blobs += 1;
      });
    }
    const expired = await store.expiredUploads(now - UPLOAD_EXPIRY_MS);
    for (const upload of expired) {
      await store.dropUpload(upload.id);
      await partials.remove(upload.id).catch(() => undefined);
    }
    if (blobs > 0 || expired.length > 0)
      logger.info('attachments swept', { blobsFreed: blobs, uploadsExpired: expired.length });
    return { blobs, uploads: expired.length };
  }

  /**
   * Sweeps every quarter of the grace period (at most every 10 minutes, at least every
   * 250 ms). Returns the stop.
   */
  startSweeping(): () => void {
    const every = Math.min(10 * 60 * 1000, Math.max(250, Math.floor(this.deps.config.graceMs / 4)));
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = running
        .then(() => this.sweep())
        .catch((err: unknown) => this.deps.logger.error('attachment sweep failed', { err }));
    }, every);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Runs `work` after any earlier work on the same blob id: finishing an upload of some bytes
   * and freeing the same bytes never interleave (the row and the file change together).
   */
  private serially(blobId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.busy.get(blobId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.busy.set(blobId, settled);
    void settled.then(() => {
      if (this.busy.get(blobId) === settled) this.busy.delete(blobId);
    });
    return next;
  }
}
