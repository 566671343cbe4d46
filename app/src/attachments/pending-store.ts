import type { AttachmentEntry } from '@messenjo/shared';
import { committed, openDatabase, request } from '../lib/indexed-db.ts';
import { attachmentsDbName } from './db-name.ts';

/**
 * Messages with attachments waiting for their uploads (docs/attachments.md, "Sending"), kept in
 * IndexedDB with the encrypted bytes, so a reload or a closed tab resumes where it stopped
 * instead of encrypting again under a new key. A message is written into its conversation only
 * once every blob it references is on the server (the server refuses a message naming a blob it
 * does not have), then removed from here.
 */

/** One encrypted blob of a message (a file or its thumbnail), until the server has it. */
export interface PendingBlob {
  /** The ciphertext's SHA-256: the blob id the entry names. */
  blob: string;
  ciphertext: Blob;
  /** The server has every byte (verified on its side); the bytes here may be dropped. */
  uploaded: boolean;
}

export interface PendingAttachmentMessage {
  /** The message id it will have in the conversation. */
  id: string;
  conversationId: string;
  author: string;
  /** The caption, possibly empty. */
  text: string;
  replyTo?: string;
  /** The sender's clock when sent (the message's `sentAt`). */
  sentAt: number;
  attachments: AttachmentEntry[];
  blobs: PendingBlob[];
  /** Why the server refused it for good (too large, over quota, no longer a member): it will not be retried. */
  failed?: string;
}

const STORE = 'messages';
const VERSION = 1;

export class PendingAttachmentStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(userId: string, factory: IDBFactory = indexedDB): Promise<PendingAttachmentStore> {
    const db = await openDatabase(
      attachmentsDbName(userId),
      VERSION,
      {
        upgrade: (database) => {
          if (!database.objectStoreNames.contains(STORE))
            database.createObjectStore(STORE, { keyPath: 'id' });
        },
      },
      factory,
    );
    return new PendingAttachmentStore(db);
  }

  /** Every pending message, oldest first (sent in that order). */
  async all(): Promise<PendingAttachmentMessage[]> {
    const tx = this.db.transaction(STORE, 'readonly');
    const rows = (await request(tx.objectStore(STORE).getAll())) as PendingAttachmentMessage[];
    return rows.sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : 1));
  }

  async put(message: PendingAttachmentMessage): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(message);
    await committed(tx);
  }

  /** Marks one blob uploaded and lets its bytes go (the server has them). */
  async markUploaded(messageId: string, blob: string): Promise<PendingAttachmentMessage | undefined> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const message = (await request(store.get(messageId))) as PendingAttachmentMessage | undefined;
    if (!message) return undefined;
    const next: PendingAttachmentMessage = {
      ...message,
      blobs: message.blobs.map((item) =>
        item.blob === blob ? { blob, ciphertext: new Blob([]), uploaded: true } : item,
      ),
    };
    store.put(next);
    await committed(tx);
    return next;
  }

  async remove(messageId: string): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(messageId);
    await committed(tx);
  }

  close(): void {
    this.db.close();
  }
}
