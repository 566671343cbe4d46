import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS, encryptedSize } from '@messenjo/shared';
import {
  AttachmentDecryptError,
  chunkNonce,
  decryptStream,
  decryptToBlob,
  decryptionKey,
  encryptFile,
  newFileKey,
} from './file-cipher.ts';

// Real Web Crypto (Node's globalThis.crypto), real Blobs: nothing here is mocked.
const CHUNK = ATTACHMENT_LIMITS.CHUNK_BYTES;

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536)
    crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
  return bytes;
}

const bytesOf = async (blob: Blob): Promise<Uint8Array> => new Uint8Array(await blob.arrayBuffer());

/** A stream yielding `bytes` in pieces of `piece` bytes, as a network body does. */
function streamOf(bytes: Uint8Array, piece: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + piece));
      offset += piece;
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function sealed(size: number) {
  const plain = randomBytes(size);
  const fileKey = await newFileKey();
  const encrypted = await encryptFile(new Blob([plain]), fileKey);
  return { plain, fileKey, encrypted, cipher: await bytesOf(encrypted.ciphertext) };
}

describe('file cipher', () => {
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 12345])(
    'round-trips %i bytes, and the blob id is the SHA-256 of the ciphertext',
    async (size) => {
      const { plain, fileKey, encrypted, cipher } = await sealed(size);
      expect(cipher.length).toBe(encryptedSize(size, CHUNK));
      expect(encrypted.blob).toBe(createHash('sha256').update(cipher).digest('hex'));
      expect(encrypted.size).toBe(size);
      const back = await decryptToBlob(encrypted.ciphertext, fileKey.encoded, size, 'application/pdf');
      expect(back.type).toBe('application/pdf');
      expect(Buffer.from(await bytesOf(back)).equals(Buffer.from(plain))).toBe(true);
    },
  );

  it('decrypts as the bytes stream in, whatever pieces the network cuts them into', async () => {
    const { plain, fileKey, cipher } = await sealed(2 * CHUNK + 777);
    const key = await decryptionKey(fileKey.encoded);
    const out = await readAll(decryptStream(streamOf(cipher, 7001), key, plain.length));
    expect(Buffer.from(out).equals(Buffer.from(plain))).toBe(true);
  });

  it('gives the same file a different key and blob each time, and the blob is not the plaintext', async () => {
    const plain = new TextEncoder().encode('%PDF-1.7 the same document twice');
    const one = await encryptFile(new Blob([plain]), await newFileKey());
    const two = await encryptFile(new Blob([plain]), await newFileKey());
    expect(one.blob).not.toBe(two.blob);
    const cipher = Buffer.from(await bytesOf(one.ciphertext));
    expect(cipher.includes(Buffer.from('PDF'))).toBe(false);
  });

  it('uses one nonce per chunk, the last one flagged', () => {
    expect([...chunkNonce(0, false)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...chunkNonce(258, true)]).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1]);
  });

  const refuses = async (cipher: Uint8Array, encodedKey: string, size: number): Promise<unknown> => {
    const key = await decryptionKey(encodedKey);
    return readAll(decryptStream(streamOf(cipher, 65536), key, size)).then(
      () => 'decrypted',
      (error: unknown) => error,
    );
  };

  it('refuses a blob cut short at a chunk boundary, even with the size lied about', async () => {
    const { fileKey, cipher } = await sealed(2 * CHUNK + 5);
    const firstTwo = cipher.slice(0, 2 * (CHUNK + 16));
    expect(await refuses(firstTwo, fileKey.encoded, 2 * CHUNK + 5)).toBeInstanceOf(AttachmentDecryptError);
    // Claiming the file is two chunks long: the second chunk was not sealed as the last one.
    expect(await refuses(firstTwo, fileKey.encoded, 2 * CHUNK)).toBeInstanceOf(AttachmentDecryptError);
  });

  it('refuses reordered chunks, a flipped bit, extra bytes and the wrong key', async () => {
    const { fileKey, cipher } = await sealed(2 * CHUNK);
    const size = 2 * CHUNK;
    const swapped = new Uint8Array(cipher.length);
    swapped.set(cipher.subarray(CHUNK + 16), 0);
    swapped.set(cipher.subarray(0, CHUNK + 16), CHUNK + 16);
    expect(await refuses(swapped, fileKey.encoded, size)).toBeInstanceOf(AttachmentDecryptError);
    const flipped = cipher.slice();
    flipped[100]! ^= 1;
    expect(await refuses(flipped, fileKey.encoded, size)).toBeInstanceOf(AttachmentDecryptError);
    const longer = new Uint8Array(cipher.length + 3);
    longer.set(cipher);
    expect(await refuses(longer, fileKey.encoded, size)).toBeInstanceOf(AttachmentDecryptError);
    const other = await newFileKey();
    expect(await refuses(cipher, other.encoded, size)).toBeInstanceOf(AttachmentDecryptError);
  });
});
