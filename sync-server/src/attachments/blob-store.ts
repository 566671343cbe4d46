import { inList, type Sql } from '../db/index.ts';

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
 * files (`blob-files.ts`). On the storage port: the same SQL on SQLite and PostgreSQL.
 */
export interface BlobStore {
  /**
   * Records the upload if the user's stored blobs, her other uploads in progress and this one's
   * length fit within `quotaBytes` (checked and written in one transaction); false otherwise.
   */
  reserveUpload(upload: PendingUpload, quotaBytes: number): Promise<boolean>;
  upload(uploadId: string): Promise<PendingUpload | undefined>;
  dropUpload(uploadId: string): Promise<void>;
  /** Her quota's use: bytes of the distinct blobs the user uploaded plus the declared lengths of her uploads in progress. */
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
  /**
   * Of the blobs these messages name, the ones the user may send in the conversation, with
   * their sizes: stored, and uploaded by her for it or referenced by a message of it
   * (forwarding within it). When all of them may be sent, the messages' references are added
   * in the same transaction (their blobs are referenced from then on: no sweep frees them);
   * `claimed` lists the references that were new.
   */
  claimReferences(
    userId: string,
    conversationId: string,
    messages: readonly { key: string; blobs: readonly string[] }[],
  ): Promise<{ usable: Map<string, number>; claimed: { blob: string; key: string }[] }>;
  /** Removes exactly these references (a claim undone); blobs left with none are unreferenced from `now`. */
  dropReferenceRows(
    conversationId: string,
    rows: readonly { blob: string; key: string }[],
    now: number,
  ): Promise<void>;
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
  length: number | string;
  created_at: number | string;
}

interface BlobRow {
  id: string;
  size: number | string;
  created_at: number | string;
  unreferenced_since: number | string | null;
}

// PostgreSQL's bigint columns come back as strings (node-postgres keeps their precision).
const toUpload = (row: UploadRow): PendingUpload => ({
  id: row.id,
  userId: row.user_id,
  conversationId: row.conversation_id,
  blobId: row.blob_id,
  length: Number(row.length),
  createdAt: Number(row.created_at),
});

/** A blob is releasable when unreferenced long enough and no upload of the same bytes is in progress. */
const RELEASABLE = `unreferenced_since IS NOT NULL AND unreferenced_since <= ?
  AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = blobs.id)
  AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.blob_id = blobs.id)`;

/** The blobs' bookkeeping on the storage port (SQLite or PostgreSQL, the same SQL). */
export class SqlBlobStore implements BlobStore {
  constructor(private readonly db: Sql) {}

  reserveUpload(upload: PendingUpload, quotaBytes: number): Promise<boolean> {
    // One transaction (serializable): two uploads racing cannot both fit in the room left.
    return this.db.transaction(async (tx) => {
      const used = (await storedBytes(tx, upload.userId)) + (await pendingBytes(tx, upload.userId));
      if (used + upload.length > quotaBytes) return false;
      await tx.run(
        `INSERT INTO uploads (id, user_id, conversation_id, blob_id, length, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [upload.id, upload.userId, upload.conversationId, upload.blobId, upload.length, upload.createdAt],
      );
      return true;
    });
  }

  async upload(uploadId: string): Promise<PendingUpload | undefined> {
    const row = await this.db.get<UploadRow>('SELECT * FROM uploads WHERE id = ?', [uploadId]);
    return row && toUpload(row);
  }

  async dropUpload(uploadId: string): Promise<void> {
    await this.db.run('DELETE FROM uploads WHERE id = ?', [uploadId]);
  }

  async usage(userId: string): Promise<number> {
    // Two reads, no transaction: a figure to show; the quota itself is checked in reserveUpload's.
    return (await storedBytes(this.db, userId)) + (await pendingBytes(this.db, userId));
  }

  finishUpload(upload: PendingUpload, size: number, now: number): Promise<{ created: boolean }> {
    return this.db.transaction(async (tx) => {
      const inserted =
        (
          await tx.run(
            `INSERT INTO blobs (id, size, created_at, unreferenced_since) VALUES (?, ?, ?, ?)
             ON CONFLICT (id) DO NOTHING`,
            [upload.blobId, size, now, now],
          )
        ).changes > 0;
      // The same bytes again: a blob still unreferenced starts its grace period anew.
      if (!inserted)
        await tx.run(
          'UPDATE blobs SET unreferenced_since = ? WHERE id = ? AND unreferenced_since IS NOT NULL',
          [now, upload.blobId],
        );
      await tx.run(
        `INSERT INTO blob_uploads (blob_id, user_id, conversation_id, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (blob_id, user_id, conversation_id) DO NOTHING`,
        [upload.blobId, upload.userId, upload.conversationId, now],
      );
      await tx.run('DELETE FROM uploads WHERE id = ?', [upload.id]);
      return { created: inserted };
    });
  }

  async get(blobId: string): Promise<StoredBlob | undefined> {
    const row = await this.db.get<BlobRow>('SELECT * FROM blobs WHERE id = ?', [blobId]);
    return (
      row && {
        id: row.id,
        size: Number(row.size),
        createdAt: Number(row.created_at),
        unreferencedSince: row.unreferenced_since === null ? null : Number(row.unreferenced_since),
      }
    );
  }

  async conversationsOf(blobId: string): Promise<string[]> {
    const rows = await this.db.all<{ conversation_id: string }>(
      `SELECT conversation_id FROM blob_uploads WHERE blob_id = ?
       UNION SELECT conversation_id FROM blob_refs WHERE blob_id = ?`,
      [blobId, blobId],
    );
    return rows.map((row) => row.conversation_id);
  }

  async uploadedFor(blobId: string, userId: string, conversationId: string): Promise<boolean> {
    const row = await this.db.get(
      'SELECT 1 AS found FROM blob_uploads WHERE blob_id = ? AND user_id = ? AND conversation_id = ?',
      [blobId, userId, conversationId],
    );
    return row !== undefined;
  }

  claimReferences(
    userId: string,
    conversationId: string,
    messages: readonly { key: string; blobs: readonly string[] }[],
  ): Promise<{ usable: Map<string, number>; claimed: { blob: string; key: string }[] }> {
    const blobIds = [...new Set(messages.flatMap((m) => m.blobs))];
    return this.db.transaction(async (tx) => {
      const usable = new Map<string, number>();
      if (blobIds.length === 0) return { usable, claimed: [] };
      const ids = inList(tx, 'b.id', blobIds);
      const rows = await tx.all<{ id: string; size: number | string }>(
        `SELECT b.id, b.size FROM blobs b WHERE ${ids.clause} AND (
           EXISTS (SELECT 1 FROM blob_uploads u
                   WHERE u.blob_id = b.id AND u.user_id = ? AND u.conversation_id = ?)
           OR EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = b.id AND r.conversation_id = ?))`,
        [ids.param, userId, conversationId, conversationId],
      );
      for (const row of rows) usable.set(row.id, Number(row.size));
      // A refusal follows: nothing is added.
      if (usable.size < blobIds.length) return { usable, claimed: [] };
      const keys = inList(
        tx,
        'message_id',
        messages.map((m) => m.key),
      );
      const existing = new Set(
        (
          await tx.all<{ blob_id: string; message_id: string }>(
            `SELECT blob_id, message_id FROM blob_refs WHERE conversation_id = ? AND ${keys.clause}`,
            [conversationId, keys.param],
          )
        ).map((row) => `${row.blob_id} ${row.message_id}`),
      );
      const claimed = messages.flatMap((m) =>
        m.blobs.filter((blob) => !existing.has(`${blob} ${m.key}`)).map((blob) => ({ blob, key: m.key })),
      );
      for (const { blob, key } of claimed)
        await tx.run('INSERT INTO blob_refs (blob_id, conversation_id, message_id) VALUES (?, ?, ?)', [
          blob,
          conversationId,
          key,
        ]);
      const referenced = inList(tx, 'id', blobIds);
      await tx.run(`UPDATE blobs SET unreferenced_since = NULL WHERE ${referenced.clause}`, [
        referenced.param,
      ]);
      return { usable, claimed };
    });
  }

  async dropReferenceRows(
    conversationId: string,
    rows: readonly { blob: string; key: string }[],
    now: number,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const { blob, key } of rows)
        await tx.run('DELETE FROM blob_refs WHERE blob_id = ? AND conversation_id = ? AND message_id = ?', [
          blob,
          conversationId,
          key,
        ]);
      await markUnreferenced(
        tx,
        rows.map((row) => row.blob),
        now,
      );
    });
  }

  async addReferences(conversationId: string, messageId: string, blobIds: readonly string[]): Promise<void> {
    if (blobIds.length === 0) return;
    await this.db.transaction(async (tx) => {
      const ids = inList(tx, 'id', blobIds);
      await tx.run(
        `INSERT INTO blob_refs (blob_id, conversation_id, message_id)
         SELECT id, ?, ? FROM blobs WHERE ${ids.clause}
         ON CONFLICT (blob_id, conversation_id, message_id) DO NOTHING`,
        [conversationId, messageId, ids.param],
      );
      await tx.run(`UPDATE blobs SET unreferenced_since = NULL WHERE ${ids.clause}`, [ids.param]);
    });
  }

  dropMessage(conversationId: string, messageId: string, now: number): Promise<void> {
    return this.dropReferences('conversation_id = ? AND message_id = ?', [conversationId, messageId], now);
  }

  dropConversation(conversationId: string, now: number): Promise<void> {
    return this.dropReferences('conversation_id = ?', [conversationId], now);
  }

  async releasable(before: number): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>(`SELECT id FROM blobs WHERE ${RELEASABLE}`, [before]);
    return rows.map((row) => row.id);
  }

  async release(blobId: string, before: number): Promise<boolean> {
    const { changes } = await this.db.run(`DELETE FROM blobs WHERE id = ? AND ${RELEASABLE}`, [
      blobId,
      before,
    ]);
    return changes > 0;
  }

  async expiredUploads(before: number): Promise<PendingUpload[]> {
    const rows = await this.db.all<UploadRow>('SELECT * FROM uploads WHERE created_at < ?', [before]);
    return rows.map(toUpload);
  }

  private async dropReferences(where: string, params: string[], now: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const blobs = await tx.all<{ blob_id: string }>(
        `SELECT DISTINCT blob_id FROM blob_refs WHERE ${where}`,
        params,
      );
      if (blobs.length === 0) return;
      await tx.run(`DELETE FROM blob_refs WHERE ${where}`, params);
      await markUnreferenced(
        tx,
        blobs.map((b) => b.blob_id),
        now,
      );
    });
  }
}

/** Of these blobs, those left with no reference are unreferenced from `now` on (their grace period starts). */
async function markUnreferenced(sql: Sql, blobIds: readonly string[], now: number): Promise<void> {
  const ids = inList(sql, 'id', [...new Set(blobIds)]);
  await sql.run(
    `UPDATE blobs SET unreferenced_since = ?
     WHERE unreferenced_since IS NULL AND ${ids.clause}
     AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = blobs.id)`,
    [now, ids.param],
  );
}

/** Bytes of the distinct blobs the user uploaded. */
async function storedBytes(sql: Sql, userId: string): Promise<number> {
  const row = await sql.get<{ bytes: number | string }>(
    `SELECT COALESCE(SUM(size), 0) AS bytes FROM blobs
     WHERE id IN (SELECT blob_id FROM blob_uploads WHERE user_id = ?)`,
    [userId],
  );
  return Number(row?.bytes ?? 0);
}

/** Declared lengths of the user's uploads in progress. */
async function pendingBytes(sql: Sql, userId: string): Promise<number> {
  const row = await sql.get<{ bytes: number | string }>(
    'SELECT COALESCE(SUM(length), 0) AS bytes FROM uploads WHERE user_id = ?',
    [userId],
  );
  return Number(row?.bytes ?? 0);
}
