import type { Db } from '../db/index.ts';

/** A stored ciphertext: its verified SHA-256, its size, and since when nothing references it. */
export interface StoredBlob {
  id: string;
  size: number;
  createdAt: number;
  /** Set while no committed message references the blob; past the grace period it is freed. */
  unreferencedSince: number | null;
}

/** A tus upload in progress, tied to its uploader, a conversation and the hash she claimed. */
export interface PendingUpload {
  id: string;
  userId: string;
  conversationId: string;
  blobId: string;
  /** The declared length (tus Upload-Length): counted against the quota until it ends. */
  length: number;
  createdAt: number;
}

/**
 * Where the blobs' bookkeeping lives (migration 70): stored blobs, who uploaded them for which
 * conversation, the committed messages referencing them, uploads in progress. The bytes are
 * files (`blob-files.ts`). Asynchronous like every store a PostgreSQL implementation will also
 * serve (SQLite answers at once); the SQL is portable.
 */
export interface BlobStore {
  /**
   * Records the upload if the user's stored blobs, her other uploads in progress and this one's
   * length fit within `quotaBytes` (checked and written in one transaction); false otherwise.
   */
  reserveUpload(upload: PendingUpload, quotaBytes: number): Promise<boolean>;
  upload(uploadId: string): Promise<PendingUpload | undefined>;
  dropUpload(uploadId: string): Promise<void>;
  /** Bytes of the distinct blobs the user uploaded (her quota's use; uploads in progress aside). */
  usage(userId: string): Promise<number>;
  /**
   * Records a finished, verified upload: the blob (new ones unreferenced from `now`; a blob
   * still unreferenced restarts its grace period), who uploaded it for which conversation; the
   * upload in progress goes. Says whether the blob was new (its bytes must be kept).
   */
  finishUpload(upload: PendingUpload, size: number, now: number): Promise<{ created: boolean }>;
  get(blobId: string): Promise<StoredBlob | undefined>;
  /** Conversations a blob belongs to: those it was uploaded for and those whose messages reference it. */
  conversationsOf(blobId: string): Promise<string[]>;
  /** Whether the user uploaded this blob for this conversation. */
  uploadedFor(blobId: string, userId: string, conversationId: string): Promise<boolean>;
  /** A committed message references these blobs (the ones stored; repeats are ignored). */
  addReferences(conversationId: string, messageId: string, blobIds: readonly string[]): Promise<void>;
  /** The message was deleted: its references go, and blobs left with none are unreferenced from `now`. */
  dropMessage(conversationId: string, messageId: string, now: number): Promise<void>;
  /** The conversation was deleted: every reference of its messages goes, as `dropMessage`. */
  dropConversation(conversationId: string, now: number): Promise<void>;
  /** Blobs unreferenced since `before` or earlier, with no upload of the same bytes in progress. */
  releasable(before: number): Promise<string[]>;
  /** Deletes the blob's rows if it is still releasable; true when it did (then its bytes may go). */
  release(blobId: string, before: number): Promise<boolean>;
  /** Uploads begun before `before` and not finished: their partial bytes may go. */
  expiredUploads(before: number): Promise<PendingUpload[]>;
}

interface UploadRow {
  id: string;
  user_id: string;
  conversation_id: string;
  blob_id: string;
  length: number;
  created_at: number;
}

interface BlobRow {
  id: string;
  size: number;
  created_at: number;
  unreferenced_since: number | null;
}

const toUpload = (row: UploadRow): PendingUpload => ({
  id: row.id,
  userId: row.user_id,
  conversationId: row.conversation_id,
  blobId: row.blob_id,
  length: row.length,
  createdAt: row.created_at,
});

/** A blob is releasable when unreferenced long enough and no upload of the same bytes is in progress. */
const RELEASABLE = `unreferenced_since IS NOT NULL AND unreferenced_since <= ?
  AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = blobs.id)
  AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.blob_id = blobs.id)`;

/** `?, ?, …` for a list: lists of ids are bound one parameter each (portable SQL, no JSON functions). */
/** A conversation's blobs in several statements, within every database's bound-parameter limit. */
const IDS_PER_QUERY = 500;

const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

export class SqliteBlobStore implements BlobStore {
  constructor(private readonly db: Db) {}

  reserveUpload(upload: PendingUpload, quotaBytes: number): Promise<boolean> {
    const reserved = this.db
      .transaction(() => {
        const used = this.usedWithPending(upload.userId);
        if (used + upload.length > quotaBytes) return false;
        this.db
          .prepare(
            `INSERT INTO uploads (id, user_id, conversation_id, blob_id, length, created_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(
            upload.id,
            upload.userId,
            upload.conversationId,
            upload.blobId,
            upload.length,
            upload.createdAt,
          );
        return true;
      })
      // IMMEDIATE: the commit worker writes the same file (see ARCHITECTURE.md, "Database").
      .immediate();
    return Promise.resolve(reserved);
  }

  upload(uploadId: string): Promise<PendingUpload | undefined> {
    const row = this.db.prepare('SELECT * FROM uploads WHERE id = ?').get(uploadId) as UploadRow | undefined;
    return Promise.resolve(row && toUpload(row));
  }

  dropUpload(uploadId: string): Promise<void> {
    this.db.prepare('DELETE FROM uploads WHERE id = ?').run(uploadId);
    return Promise.resolve();
  }

  usage(userId: string): Promise<number> {
    return Promise.resolve(this.storedBytes(userId));
  }

  finishUpload(upload: PendingUpload, size: number, now: number): Promise<{ created: boolean }> {
    const created = this.db
      .transaction(() => {
        const inserted =
          this.db
            .prepare(
              `INSERT INTO blobs (id, size, created_at, unreferenced_since) VALUES (?, ?, ?, ?)
               ON CONFLICT (id) DO NOTHING`,
            )
            .run(upload.blobId, size, now, now).changes > 0;
        if (!inserted) {
          this.db
            .prepare(
              'UPDATE blobs SET unreferenced_since = ? WHERE id = ? AND unreferenced_since IS NOT NULL',
            )
            .run(now, upload.blobId);
        }
        this.db
          .prepare(
            `INSERT INTO blob_uploads (blob_id, user_id, conversation_id, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (blob_id, user_id, conversation_id) DO NOTHING`,
          )
          .run(upload.blobId, upload.userId, upload.conversationId, now);
        this.db.prepare('DELETE FROM uploads WHERE id = ?').run(upload.id);
        return inserted;
      })
      .immediate();
    return Promise.resolve({ created });
  }

  get(blobId: string): Promise<StoredBlob | undefined> {
    const row = this.db.prepare('SELECT * FROM blobs WHERE id = ?').get(blobId) as BlobRow | undefined;
    return Promise.resolve(
      row && {
        id: row.id,
        size: row.size,
        createdAt: row.created_at,
        unreferencedSince: row.unreferenced_since,
      },
    );
  }

  conversationsOf(blobId: string): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT conversation_id FROM blob_uploads WHERE blob_id = ?
         UNION SELECT conversation_id FROM blob_refs WHERE blob_id = ?`,
      )
      .all(blobId, blobId) as { conversation_id: string }[];
    return Promise.resolve(rows.map((row) => row.conversation_id));
  }

  uploadedFor(blobId: string, userId: string, conversationId: string): Promise<boolean> {
    const row = this.db
      .prepare('SELECT 1 FROM blob_uploads WHERE blob_id = ? AND user_id = ? AND conversation_id = ?')
      .get(blobId, userId, conversationId);
    return Promise.resolve(row !== undefined);
  }

  addReferences(conversationId: string, messageId: string, blobIds: readonly string[]): Promise<void> {
    if (blobIds.length === 0) return Promise.resolve();
    const list = placeholders(blobIds.length);
    this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT INTO blob_refs (blob_id, conversation_id, message_id)
             SELECT id, ?, ? FROM blobs WHERE id IN (${list})
             ON CONFLICT (blob_id, conversation_id, message_id) DO NOTHING`,
          )
          .run(conversationId, messageId, ...blobIds);
        this.db.prepare(`UPDATE blobs SET unreferenced_since = NULL WHERE id IN (${list})`).run(...blobIds);
      })
      .immediate();
    return Promise.resolve();
  }

  dropMessage(conversationId: string, messageId: string, now: number): Promise<void> {
    this.dropReferences('conversation_id = ? AND message_id = ?', [conversationId, messageId], now);
    return Promise.resolve();
  }

  dropConversation(conversationId: string, now: number): Promise<void> {
    this.dropReferences('conversation_id = ?', [conversationId], now);
    return Promise.resolve();
  }

  releasable(before: number): Promise<string[]> {
    const rows = this.db.prepare(`SELECT id FROM blobs WHERE ${RELEASABLE}`).all(before) as { id: string }[];
    return Promise.resolve(rows.map((row) => row.id));
  }

  release(blobId: string, before: number): Promise<boolean> {
    const changes = this.db
      .prepare(`DELETE FROM blobs WHERE id = ? AND ${RELEASABLE}`)
      .run(blobId, before).changes;
    return Promise.resolve(changes > 0);
  }

  expiredUploads(before: number): Promise<PendingUpload[]> {
    const rows = this.db.prepare('SELECT * FROM uploads WHERE created_at < ?').all(before) as UploadRow[];
    return Promise.resolve(rows.map(toUpload));
  }

  private dropReferences(where: string, params: string[], now: number): void {
    this.db
      .transaction(() => {
        const blobs = this.db
          .prepare(`SELECT DISTINCT blob_id FROM blob_refs WHERE ${where}`)
          .all(...params) as { blob_id: string }[];
        if (blobs.length === 0) return;
        this.db.prepare(`DELETE FROM blob_refs WHERE ${where}`).run(...params);
        // Blobs of these references left with none: unreferenced from now on.
        for (let i = 0; i < blobs.length; i += IDS_PER_QUERY) {
          const chunk = blobs.slice(i, i + IDS_PER_QUERY).map((b) => b.blob_id);
          this.db
            .prepare(
              `UPDATE blobs SET unreferenced_since = ?
               WHERE unreferenced_since IS NULL AND id IN (${placeholders(chunk.length)})
               AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = blobs.id)`,
            )
            .run(now, ...chunk);
        }
      })
      .immediate();
  }

  private storedBytes(userId: string): number {
    const row = this.db
      .prepare(
        `SELECT COALESCE(SUM(size), 0) AS bytes FROM blobs
         WHERE id IN (SELECT blob_id FROM blob_uploads WHERE user_id = ?)`,
      )
      .get(userId) as { bytes: number };
    return row.bytes;
  }

  private usedWithPending(userId: string): number {
    const pending = this.db
      .prepare('SELECT COALESCE(SUM(length), 0) AS bytes FROM uploads WHERE user_id = ?')
      .get(userId) as { bytes: number };
    return this.storedBytes(userId) + pending.bytes;
  }
}
