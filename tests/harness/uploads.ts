import { createHash, randomBytes } from 'node:crypto';
import { ATTACHMENT_ROUTES, blobPath } from '@messenjo/shared';
import { authedFetch } from './accounts.ts';

/**
 * A device's side of the tus 1.0.0 protocol over plain fetch (creation, HEAD, PATCH), so tests
 * can stop an upload at any byte and count what is sent. The app uses tus-js-client.
 */

type Device = { cookie: string };

const TUS = { 'tus-resumable': '1.0.0' };

/** tus metadata: `key base64(value)` pairs. */
export function tusMetadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

/** Stand-in ciphertext: random bytes (what AES-GCM output looks like to the server) and their SHA-256. */
export function fakeCiphertext(bytes: number): { bytes: Uint8Array; blob: string } {
  const data = new Uint8Array(randomBytes(bytes));
  return { bytes: data, blob: sha256Hex(data) };
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** POST: creates an upload; the response is returned as is (201 with Location, or the refusal). */
export function createUpload(
  url: string,
  device: Device | null,
  options: { conversation: string; blob: string; length: number; metadata?: string },
): Promise<Response> {
  return authedFetch(url, device, ATTACHMENT_ROUTES.uploads, {
    method: 'POST',
    headers: {
      ...TUS,
      'upload-length': String(options.length),
      'upload-metadata':
        options.metadata ?? tusMetadata({ conversation: options.conversation, blob: options.blob }),
    },
  });
}

/** PATCH: sends `chunk` at `offset`. */
export function patchUpload(
  url: string,
  device: Device,
  location: string,
  offset: number,
  chunk: Uint8Array,
): Promise<Response> {
  return authedFetch(url, device, location, {
    method: 'PATCH',
    headers: {
      ...TUS,
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body: new Uint8Array(chunk),
  });
}

/** HEAD: the offset the server has (what a resuming device asks first). */
export function headUpload(url: string, device: Device, location: string): Promise<Response> {
  return authedFetch(url, device, location, { method: 'HEAD', headers: TUS });
}

/** A whole upload in one PATCH; returns the final PATCH's response. */
export async function uploadBlob(
  url: string,
  device: Device,
  conversation: string,
  data: { bytes: Uint8Array; blob: string },
): Promise<Response> {
  const created = await createUpload(url, device, {
    conversation,
    blob: data.blob,
    length: data.bytes.length,
  });
  if (created.status !== 201) return created;
  return patchUpload(url, device, created.headers.get('location')!, 0, data.bytes);
}

export function downloadBlob(url: string, device: Device | null, blob: string): Promise<Response> {
  return authedFetch(url, device, blobPath(blob));
}
