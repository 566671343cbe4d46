/**
 * W14's and W15's page script (bundled by bench-page.ts): the app's own attachment code
 * (app/src/attachments/), run in Chromium as the app runs it. W14 times the cipher on files of a
 * given size; W15 has a photo made and prepared here exactly as the composer would, to send it
 * from another device.
 */
import type { AttachmentEntry } from '@messenjo/shared';
import {
  chunkNonce,
  decryptToBlob,
  encryptFile,
  newFileKey,
} from '../../../app/src/attachments/file-cipher.ts';
import { toBase64 } from '../../../app/src/attachments/file-facts.ts';
import { prepareAttachment } from '../../../app/src/attachments/prepare.ts';

const CHUNK = 1024 * 1024;

/** A plaintext of `bytes` bytes that is not all one value (random: what a photo's bytes look like). */
function plaintext(bytes: number): Blob {
  const data = new Uint8Array(bytes);
  // getRandomValues fills at most 64 KiB at a time.
  for (let at = 0; at < bytes; at += 65_536) crypto.getRandomValues(data.subarray(at, at + 65_536));
  return new Blob([data]);
}

export interface CipherTimes {
  /** The app's encryptFile: AES-GCM per 1 MiB chunk, SHA-256 of the ciphertext (@noble/hashes), the Blob. */
  encryptMs: number;
  /** The app's decryptToBlob: the ciphertext re-cut into sealed chunks, each decrypted, into a Blob. */
  decryptMs: number;
  /** Web Crypto's AES-GCM alone over the same chunks, from memory: what encryptFile adds to it is the rest. */
  aesMs: number;
  /** Web Crypto's one-shot SHA-256 of the ciphertext: what a native hash would cost. */
  nativeHashMs: number;
}

/** Times the app's cipher on one file of `bytes` bytes (a fresh file and key each time). */
async function cipher(bytes: number): Promise<CipherTimes> {
  const file = plaintext(bytes);
  const key = await newFileKey();
  let started = performance.now();
  const sealed = await encryptFile(file, key);
  const encryptMs = performance.now() - started;

  started = performance.now();
  const opened = await decryptToBlob(sealed.ciphertext, key.encoded, bytes, 'application/octet-stream');
  const decryptMs = performance.now() - started;
  if (opened.size !== bytes) throw new Error(`decrypted ${opened.size} of ${bytes} bytes`);

  const plain = new Uint8Array(await file.arrayBuffer());
  const total = Math.max(1, Math.ceil(bytes / CHUNK));
  started = performance.now();
  for (let i = 0; i < total; i++)
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: chunkNonce(i, i === total - 1) },
      key.key,
      plain.subarray(i * CHUNK, (i + 1) * CHUNK),
    );
  const aesMs = performance.now() - started;

  const ciphertext = await sealed.ciphertext.arrayBuffer();
  started = performance.now();
  await crypto.subtle.digest('SHA-256', ciphertext);
  const nativeHashMs = performance.now() - started;
  return { encryptMs, decryptMs, aesMs, nativeHashMs };
}

/**
 * A photo as a phone takes it: `width`×`height` JPEG of a gradient with noise (so it does not
 * compress to nothing). Returned as base64 so the bench can choose it in the app's file input.
 */
async function photo(width: number, height: number): Promise<string> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas');
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#c63');
  gradient.addColorStop(1, '#36c');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  const noise = context.getImageData(0, 0, width, height);
  for (let i = 0; i < noise.data.length; i += 4) {
    const n = (Math.random() - 0.5) * 40;
    noise.data[i] = noise.data[i]! + n;
    noise.data[i + 1] = noise.data[i + 1]! + n;
    noise.data[i + 2] = noise.data[i + 2]! + n;
  }
  context.putImageData(noise, 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  return toBase64(new Uint8Array(await blob.arrayBuffer()));
}

export interface PreparedForSending {
  entry: AttachmentEntry;
  /** Each blob's id and ciphertext (base64), to upload from Node as the sending device. */
  blobs: { blob: string; ciphertext: string }[];
}

/** Prepares a photo (base64 JPEG) as the composer does: thumbnail, ThumbHash, EXIF dropped, encrypted. */
async function prepare(jpeg: string, name: string): Promise<PreparedForSending> {
  const bytes = Uint8Array.from(atob(jpeg), (c) => c.charCodeAt(0));
  const file = new File([bytes], name, { type: 'image/jpeg' });
  const prepared = await prepareAttachment(file, { keepMetadata: false });
  const blobs = [];
  for (const pending of prepared.blobs)
    blobs.push({
      blob: pending.blob,
      ciphertext: toBase64(new Uint8Array(await pending.ciphertext.arrayBuffer())),
    });
  return { entry: prepared.entry, blobs };
}

export interface AttachmentBenchPage {
  cipher: typeof cipher;
  photo: typeof photo;
  prepare: typeof prepare;
}

(globalThis as unknown as { attbench: AttachmentBenchPage }).attbench = { cipher, photo, prepare };
