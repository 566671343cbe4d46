import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ATTACHMENT_LIMITS, encryptedSize } from '@messenjo/shared';
import { rechunk } from './rechunk.ts';

/**
 * A file's encryption on the device (docs/attachments.md, "Encryption"): AES-256-GCM over
 * 1 MiB chunks with a fresh random key per file. Chunk i is sealed under the nonce
 * `uint64be(i) ‖ uint32be(last ? 1 : 0)`: the index stops chunks being reordered or repeated,
 * the last-chunk flag stops the file being cut short at a chunk boundary. The nonce may be a
 * counter, not random, because a key seals exactly one file: no (key, nonce) pair repeats.
 */

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const CHUNK = ATTACHMENT_LIMITS.CHUNK_BYTES;
const TAG = ATTACHMENT_LIMITS.GCM_TAG_BYTES;

export interface FileKey {
  /** For Web Crypto; not extractable. */
  key: CryptoKey;
  /** The raw key as base64url without padding: what the message entry carries. */
  encoded: string;
}

export interface EncryptedFile {
  /** The ciphertext, ready to upload. */
  ciphertext: Blob;
  /** SHA-256 of the ciphertext as lowercase hex: the blob id. */
  blob: string;
  /** The plaintext size. */
  size: number;
}

/** A cipher failure: the wrong key, a changed or cut-short blob. Never shows partial plaintext. */
export class AttachmentDecryptError extends Error {
  override readonly name = 'AttachmentDecryptError';
}

function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const importKey = (raw: Uint8Array<ArrayBuffer>, usage: KeyUsage): Promise<CryptoKey> =>
  crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, [usage]);

/** A fresh random key for one file. */
export async function newFileKey(): Promise<FileKey> {
  const raw = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const encoded = toBase64Url(raw);
  return { key: await importKey(raw, 'encrypt'), encoded };
}

/** The key a message entry carries, ready to decrypt with. */
export async function decryptionKey(encoded: string): Promise<CryptoKey> {
  const raw = fromBase64Url(encoded);
  if (raw.length !== KEY_BYTES) throw new AttachmentDecryptError('the attachment key is not 32 bytes');
  return importKey(raw, 'decrypt');
}

/** Chunk `index`'s nonce: the index as a 64-bit big-endian number, then 1 for the last chunk. */
export function chunkNonce(index: number, last: boolean): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(NONCE_BYTES);
  const view = new DataView(nonce.buffer);
  view.setBigUint64(0, BigInt(index));
  view.setUint32(8, last ? 1 : 0);
  return nonce;
}

/** How many chunks a plaintext of `size` bytes has; an empty file is one empty chunk. */
export const chunkCount = (size: number): number => Math.max(1, Math.ceil(size / CHUNK));

/**
 * Encrypts a file chunk by chunk, hashing the ciphertext as it goes (Web Crypto's digest is
 * one-shot, so the hash is incremental SHA-256 from @noble/hashes). The ciphertext is kept as a
 * Blob of its chunks, which the browser may hold on disk rather than in memory.
 */
export async function encryptFile(file: Blob, fileKey: FileKey): Promise<EncryptedFile> {
  const total = chunkCount(file.size);
  const hash = sha256.create();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let index = 0;
  const seal = async (plain: Uint8Array<ArrayBuffer>): Promise<void> => {
    const last = index === total - 1;
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv: chunkNonce(index, last) }, fileKey.key, plain),
    );
    hash.update(sealed);
    parts.push(sealed);
    index++;
  };
  for await (const plain of rechunk(file.stream(), CHUNK)) await seal(plain);
  if (index === 0) await seal(new Uint8Array(0));
  if (index !== total) throw new Error(`the file changed while it was read (${index} of ${total} chunks)`);
  return { ciphertext: new Blob(parts), blob: bytesToHex(hash.digest()), size: file.size };
}

/**
 * Decrypts a downloaded ciphertext as it streams in, chunk by chunk. `size` is the plaintext
 * size from the message entry: it says which chunk must be the last, so a blob cut short, with
 * chunks reordered or with bytes added fails instead of yielding a shorter file.
 */
export function decryptStream(
  ciphertext: ReadableStream<Uint8Array>,
  key: CryptoKey,
  size: number,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const total = chunkCount(size);
  const expected = encryptedSize(size, CHUNK);
  const chunks = rechunk(ciphertext, CHUNK + TAG)[Symbol.asyncIterator]();
  let index = 0;
  let seen = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) {
        if (index !== total || seen !== expected)
          controller.error(
            new AttachmentDecryptError(`the attachment is cut short (${seen} of ${expected} bytes)`),
          );
        else controller.close();
        return;
      }
      seen += next.value.length;
      if (index >= total || seen > expected) {
        controller.error(new AttachmentDecryptError('the attachment has more bytes than its entry says'));
        return;
      }
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: chunkNonce(index, index === total - 1) },
          key,
          next.value,
        );
        index++;
        controller.enqueue(new Uint8Array(plain));
      } catch {
        controller.error(
          new AttachmentDecryptError(`chunk ${index} does not decrypt: wrong key or changed bytes`),
        );
      }
    },
    async cancel(reason) {
      await chunks.return?.(reason);
    },
  });
}

/** Decrypts a whole blob into a Blob of the given type (what a download or a picture needs). */
export async function decryptToBlob(
  ciphertext: Blob,
  encodedKey: string,
  size: number,
  type: string,
): Promise<Blob> {
  const key = await decryptionKey(encodedKey);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const reader = decryptStream(ciphertext.stream(), key, size).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return new Blob(parts, { type });
}
