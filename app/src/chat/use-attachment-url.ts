import type { EncryptedBlobRef } from '@messenjo/shared';
import { useEffect, useState } from 'react';
import {
  AttachmentUnavailableError,
  openAttachment,
  openOnDevice,
  type AttachmentThing,
  type UnavailableReason,
} from '../attachments/blob-download.ts';

export type AttachmentUrl =
  | { state: 'loading' }
  | { state: 'ready'; url: string }
  /** `problem`: a sentence for the person; `reason`: why (blob-download.ts), for a shorter label. */
  | { state: 'failed'; problem: string; reason: UnavailableReason };

/**
 * An object URL of a decrypted file (a thumbnail, a picture in the viewer) while the component is
 * mounted; the bytes are fetched (or taken from the device's cache) and decrypted in
 * attachments/, never here. Null `ref`: nothing to fetch yet (still uploading). Offline, a file
 * not on the device fails at once with a sentence (naming it as `thing`: "This picture needs the
 * network…"), and is tried again when the network returns. `deviceOnly` (the sender's own message
 * while its files upload): only what the device keeps, else loading for as long as it is asked.
 */
export function useAttachmentUrl(
  userId: string,
  ref: EncryptedBlobRef | null,
  type: string,
  thing: AttachmentThing = 'file',
  deviceOnly = false,
): AttachmentUrl {
  // Keyed by the blob it is for: another blob shows as loading until its own result arrives.
  const [result, setResult] = useState<{ blob: string; value: AttachmentUrl } | null>(null);
  const blob = ref?.blob;
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!ref) return;
    let live = true;
    let url: string | undefined;
    const retry = () => setAttempt((n) => n + 1);
    (deviceOnly ? openOnDevice(userId, ref, type) : openAttachment(userId, ref, type)).then(
      (file) => {
        if (!live || !file) return;
        url = URL.createObjectURL(file);
        setResult({ blob: ref.blob, value: { state: 'ready', url } });
      },
      (error: unknown) => {
        if (!live) return;
        if (error instanceof AttachmentUnavailableError && error.offline)
          window.addEventListener('online', retry, { once: true });
        setResult({
          blob: ref.blob,
          value: {
            state: 'failed',
            problem:
              error instanceof AttachmentUnavailableError
                ? error.sentenceFor(thing)
                : error instanceof Error
                  ? error.message
                  : String(error),
            // Anything else (a bug, a browser that cannot decrypt) is no fault of the network.
            reason: error instanceof AttachmentUnavailableError ? error.reason : 'failed',
          },
        });
      },
    );
    return () => {
      live = false;
      window.removeEventListener('online', retry);
      if (url) URL.revokeObjectURL(url);
    };
    // The blob id names the bytes: a new ref object with the same id is the same file.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId, blob, type, thing, attempt, deviceOnly]);
  return result !== null && result.blob === blob ? result.value : LOADING;
}

const LOADING: AttachmentUrl = { state: 'loading' };
